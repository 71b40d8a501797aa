using Sluice.Canary.Definition;

namespace Sluice.Canary.Analysis;

/// <summary>Measures a dual-write parity check over the rows written during a window. A database that cannot answer
/// throws <see cref="MetricSourceException"/>, which counts as an error like any silent source.</summary>
public interface IDivergenceProbe
{
    Task<DivergenceReading> MeasureAsync(DivergenceCheck check, MetricWindow window, CancellationToken cancellationToken);
}

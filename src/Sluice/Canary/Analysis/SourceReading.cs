namespace Sluice.Canary.Analysis;

/// <summary>What one metric source answered for a step: its observations, or the error it raised instead.</summary>
public sealed record SourceReading(string Source, IReadOnlyList<MetricObservation> Observations, MetricSourceException? Error = null)
{
    public static SourceReading Failed(string source, MetricSourceException error) => new(source, [], error);
}

/// <summary>What a dual-write parity check found over the rows written during a step, or the error it raised.</summary>
/// <param name="Rows">Rows written during the window (both sides compared).</param>
/// <param name="Differences">Rows whose two sides disagree (or exist on one side only).</param>
/// <param name="DifferingKeys">A sample of their keys.</param>
public sealed record DivergenceReading(string Check, long Rows, long Differences, IReadOnlyList<string> DifferingKeys, MetricSourceException? Error = null)
{
    public static DivergenceReading Failed(string check, MetricSourceException error) => new(check, 0, 0, [], error);
}

namespace Sluice.Build;

/// <summary>
/// Implemented by a build (or a component) that exports the run's telemetry. The engine starts it once parameters
/// are bound and before the run's span opens, and disposes it after the run ended and what the run opened was closed,
/// so the last spans and metrics leave with it. Telemetry never fails a run: an exporter that cannot reach its
/// collector warns through the host and the run goes on.
/// </summary>
public interface IRunTelemetry
{
    /// <param name="environmentVariables">The process environment (<c>OTEL_EXPORTER_OTLP_*</c> and the like).</param>
    IAsyncDisposable StartTelemetry(string environment, IReadOnlyDictionary<string, string> environmentVariables);
}

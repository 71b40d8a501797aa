using Sluice.Canary.Definition;
using Sluice.Errors;

namespace Sluice.Canary.Analysis;

/// <summary>
/// Measures one step: asks each source the definition names once, and each divergence check, then judges
/// (<see cref="StepJudge"/>). A source that throws <see cref="MetricSourceException"/> becomes an error judgement for
/// each of its metrics, never a pass; any other exception is a bug and propagates.
/// </summary>
public sealed class CanaryAnalyzer(IReadOnlyList<IMetricSource> sources, IDivergenceProbe? divergence = null)
{
    /// <summary>Where each step's readings are recorded as the canary's instruments (error rate and latency per
    /// version, the error rate's limit); none records nothing.</summary>
    public CanaryInstruments? Instruments { get; init; }

    /// <summary>Fails with <c>SLU185</c> before any traffic moves when the definition names a source or a metric
    /// that none of the analyzer's sources measures, or declares divergence checks with no probe.</summary>
    public void CheckSources(CanaryDefinition definition, string? file = null)
    {
        foreach (var metric in definition.Metrics)
        {
            var source = sources.FirstOrDefault(s => s.Name == metric.Source)
                ?? throw SluiceException.Usage(ErrorCodes.BadCanary, $"metric '{metric.Name}' reads source '{metric.Source}', which this environment does not provide",
                    "configure the source (a Prometheus address, the database) or drop the metric", file);
            if (!source.Metrics.Contains(metric.SourceMetric, StringComparer.Ordinal))
                throw SluiceException.Usage(ErrorCodes.BadCanary, $"metric '{metric.Name}': source '{metric.Source}' does not measure '{metric.SourceMetric}' (it measures: {string.Join(", ", source.Metrics)})",
                    "name one of the source's metrics", file);
        }
        if (definition.Divergence.Count > 0 && divergence is null)
            throw SluiceException.Usage(ErrorCodes.BadCanary, "the canary declares divergence checks but the environment has no database to measure them", null, file);
    }

    /// <param name="step">1-based.</param>
    public async Task<StepAnalysis> AnalyzeAsync(CanaryDefinition definition, int step, MetricWindow window, CancellationToken cancellationToken)
    {
        var named = definition.Metrics.Select(m => m.Source).Distinct(StringComparer.Ordinal).ToList();
        var readings = await Task.WhenAll(named.Select(name => ReadAsync(sources.First(s => s.Name == name), window, cancellationToken)));
        var parity = await Task.WhenAll(definition.Divergence.Select(check => MeasureAsync(check, window, cancellationToken)));
        Instruments?.Telemetry.CanaryStepMeasured(Instruments.Environment, Instruments.Service, definition, readings);
        return StepJudge.Judge(definition, step, window, readings.ToDictionary(r => r.Source, StringComparer.Ordinal), parity);
    }

    private static async Task<SourceReading> ReadAsync(IMetricSource source, MetricWindow window, CancellationToken cancellationToken)
    {
        try
        {
            return new SourceReading(source.Name, await source.ObserveAsync(window, cancellationToken));
        }
        catch (MetricSourceException e)
        {
            return SourceReading.Failed(source.Name, e);
        }
    }

    private async Task<DivergenceReading> MeasureAsync(DivergenceCheck check, MetricWindow window, CancellationToken cancellationToken)
    {
        try
        {
            return await divergence!.MeasureAsync(check, window, cancellationToken);
        }
        catch (MetricSourceException e)
        {
            return DivergenceReading.Failed(check.Name, e);
        }
    }
}

/// <summary>The run's telemetry and the labels the canary's instruments carry: the environment and the service.</summary>
public sealed record CanaryInstruments(Observability.SluiceTelemetry Telemetry, string Environment, string Service);

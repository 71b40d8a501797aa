using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Canary.Definition;

/// <summary>
/// Reads the <c>canary</c> object of an environment and checks it before any traffic moves. Every error is a usage
/// error (exit 2) naming the parameters file and the line of the key at fault: unknown keys and bad values
/// (<c>SLU185</c>), a <c>requires_phase</c> the plan does not have (<c>SLU186</c>).
/// </summary>
public static partial class CanaryDefinitionReader
{
    private const string Remedy = "see docs/canary.md, \"The definition\"";

    private static readonly JsonSerializerOptions Options = new() { AllowDuplicateProperties = false, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    /// <summary>The environment's canary, or null when it declares none.</summary>
    /// <param name="file">The parameters file, for messages.</param>
    /// <param name="lines">Where its keys are written (<see cref="EnvironmentSpecReader.FindLines"/>).</param>
    public static CanaryDefinition? Read(EnvironmentSpec spec, string? file = null, EnvironmentKeyLines? lines = null) =>
        spec.Canary is { } canary ? Read(canary, file, lines) : null;

    public static CanaryDefinition Read(JsonElement canary, string? file = null, EnvironmentKeyLines? lines = null)
    {
        var at = At(file, lines);
        return Validate(at.Deserialize<CanaryDefinition>(canary, Options, Cleaned), at);
    }

    /// <summary>Checks <c>requires_phase</c> against the phases of the plan the canary promotes.</summary>
    /// <param name="phaseNames">The plan's phases, in order.</param>
    public static void CheckRequiresPhase(CanaryDefinition definition, IReadOnlyCollection<string> phaseNames, string? file = null,
        EnvironmentKeyLines? lines = null, string? plan = null)
    {
        if (definition.RequiresPhase is not { } phase || phaseNames.Contains(phase, StringComparer.Ordinal)) return;
        throw SluiceException.Usage(ErrorCodes.CanaryPhaseNotInPlan,
            $"canary 'requires_phase' is '{phase}', which is not a phase of {(plan is null ? "the plan" : $"plan {plan}")} (its phases: {string.Join(", ", phaseNames)})",
            "name the phase after which the new version can run", file, lines?.Of("canary.requires_phase", "canary"));
    }

    private static CanaryDefinition Validate(CanaryDefinition d, DefinitionObject at)
    {
        ValidateSteps(d, at);
        ValidateLimits(d, at);
        ValidateMetrics(d, at);
        ValidateDivergence(d, at);
        if (d.Metrics.Count == 0 && d.Divergence.Count == 0)
            throw at.Error("the canary judges nothing: declare 'metrics' or 'divergence' (no evidence is never a pass)", "metrics");
        if (d.RequiresPhase is { } phase && string.IsNullOrWhiteSpace(phase))
            throw at.Error("'requires_phase' is empty", "requires_phase");
        if (d.Flag is { } flag && string.IsNullOrWhiteSpace(flag))
            throw at.Error("'flag' is empty", "flag");
        ValidateAddresses(d, at);
        if (d.Versions.Baseline == d.Versions.Canary || d.Versions.Baseline.Length == 0 || d.Versions.Canary.Length == 0)
            throw at.Error($"'versions' must give the two versions different, non-empty labels, not '{d.Versions.Baseline}' and '{d.Versions.Canary}'", "versions");
        return d;
    }

    private static void ValidateAddresses(CanaryDefinition d, DefinitionObject at)
    {
        static bool Http(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        if (d.Prometheus is { } prometheus && !Http(prometheus))
            throw at.Error($"'prometheus' is '{prometheus}', not an http(s) address of the Prometheus HTTP API", "prometheus");
        if (d.Router is not { } router) return;
        foreach (var (value, name) in new[] { (router.Baseline, "baseline"), (router.Canary, "canary") })
            if (!Http(value)) throw at.Error($"'router.{name}' is '{value}', not an http(s) address of the running version", $"router.{name}");
        if (router.Admin is { } admin && !Http(admin))
            throw at.Error($"'router.admin' is '{admin}', not an http(s) address of a running router", "router.admin");
        if (router.Port is < 0 or > 65535) throw at.Error($"'router.port' {router.Port} is outside 0-65535", "router.port");
    }

    private static void ValidateSteps(CanaryDefinition d, DefinitionObject at)
    {
        if (d.Steps.Count == 0) throw at.Error("'steps' is empty: give the traffic weights, ending at 100", "steps");
        for (var i = 0; i < d.Steps.Count; i++)
        {
            var weight = d.Steps[i].Weight;
            if (weight is < 1 or > 100)
                throw at.Error($"step {i + 1}'s weight {weight} is outside 1-100", $"steps[{i}].weight");
            if (i > 0 && weight <= d.Steps[i - 1].Weight)
                throw at.Error($"step {i + 1}'s weight {weight} does not increase on step {i}'s {d.Steps[i - 1].Weight}", $"steps[{i}].weight");
        }
        if (d.Steps[^1].Weight != 100)
            throw at.Error($"the weights end at {d.Steps[^1].Weight}, not 100: the last step must take all traffic", $"steps[{d.Steps.Count - 1}].weight");
        if (d.Strategy == CanaryStrategy.BlueGreen && d.Steps.Count != 1)
            throw at.Error($"strategy 'blue_green' switches at once: give one step of weight 100, not {d.Steps.Count}", "steps");
    }

    private static void ValidateLimits(CanaryDefinition d, DefinitionObject at)
    {
        if (d.FailureLimit < 0) throw at.Error($"'failure_limit' {d.FailureLimit} is negative", "failure_limit");
        if (d.InconclusiveLimit < 0) throw at.Error($"'inconclusive_limit' {d.InconclusiveLimit} is negative", "inconclusive_limit");
        if (d.ConsecutiveErrorLimit < 0) throw at.Error($"'consecutive_error_limit' {d.ConsecutiveErrorLimit} is negative", "consecutive_error_limit");
        if (d.MinSamples < 1) throw at.Error($"'min_samples' {d.MinSamples} is below 1: no data is never a pass", "min_samples");
        if (d.Confidence is <= 0.5 or >= 1 || double.IsNaN(d.Confidence))
            throw at.Error($"'confidence' {d.Confidence} is outside (0.5, 1); Kayenta's judge uses 0.98", "confidence");
    }

    private static void ValidateMetrics(CanaryDefinition d, DefinitionObject at)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.Metrics.Count; i++)
        {
            var m = d.Metrics[i];
            var key = $"metrics[{i}]";
            if (string.IsNullOrWhiteSpace(m.Name)) throw at.Error($"metric {i + 1} has an empty 'name'", $"{key}.name");
            if (!names.Add(m.Name)) throw at.Error($"two metrics are named '{m.Name}'", $"{key}.name");
            if (!MetricCatalog.Sources.Contains(m.Source))
                throw at.Error($"metric '{m.Name}': unknown source '{m.Source}' (known: {string.Join(", ", MetricCatalog.Sources)})", $"{key}.source");
            if (m.Source == MetricCatalog.Prometheus)
            {
                if (m.Metric is not null) throw at.Error($"metric '{m.Name}': a prometheus metric is its 'query'; drop 'metric'", $"{key}.metric");
                foreach (var (template, name) in new[] { (m.Query, "query"), (m.CountQuery, "count_query") })
                    if (template is null || !template.Contains("{version}", StringComparison.Ordinal))
                        throw at.Error($"metric '{m.Name}': a prometheus metric needs '{name}', a PromQL template that selects a version with {{version}}",
                            template is null ? key : $"{key}.{name}");
            }
            else
            {
                if (m.Query is not null || m.CountQuery is not null)
                    throw at.Error($"metric '{m.Name}': 'query' and 'count_query' are for source 'prometheus', not '{m.Source}'", $"{key}.{(m.Query is not null ? "query" : "count_query")}");
                var known = MetricCatalog.Fixed[m.Source];
                if (!known.Contains(m.SourceMetric, StringComparer.Ordinal))
                    throw at.Error($"metric '{m.Name}': source '{m.Source}' has no metric '{m.SourceMetric}' (it has: {string.Join(", ", known)})",
                        m.Metric is null ? $"{key}.name" : $"{key}.metric");
            }
            if (m.Source == MetricCatalog.Database && d.ApplicationName?.Contains("{version}", StringComparison.Ordinal) != true)
                throw at.Error($"metric '{m.Name}' reads the database per version: set 'application_name' with {{version}} (e.g. \"shop-v{{version}}\")",
                    d.ApplicationName is null ? $"{key}.source" : "application_name");
            if (m is { Max: null, Min: null, P95Max: null, P99Max: null, Compare: null })
                throw at.Error($"metric '{m.Name}' has no limit: give 'max', 'min', 'p95_max', 'p99_max' or 'compare'", key);
            if ((m.P95Max ?? m.P99Max) is not null || m.Compare is not null)
            {
                if (!MetricCatalog.HasSamples(m.Source, m.SourceMetric))
                    throw at.Error($"metric '{m.Name}': percentiles and 'compare' need raw samples, which only the router's 'latency' has; use 'max' on a quantile query",
                        $"{key}.{(m.Compare is not null ? "compare" : m.P95Max is not null ? "p95_max" : "p99_max")}");
            }
            if (m.Compare is { Tolerance: < 0 or double.NaN })
                throw at.Error($"metric '{m.Name}': 'tolerance' {m.Compare.Tolerance} is negative", $"{key}.compare.tolerance");
            if (m.MinSamples is < 1)
                throw at.Error($"metric '{m.Name}': 'min_samples' {m.MinSamples} is below 1", $"{key}.min_samples");
        }
    }

    private static void ValidateDivergence(CanaryDefinition d, DefinitionObject at)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.Divergence.Count; i++)
        {
            var c = d.Divergence[i];
            var key = $"divergence[{i}]";
            if (!names.Add(c.Name)) throw at.Error($"two divergence checks are named '{c.Name}'", $"{key}.name");
            foreach (var (value, name) in new[] { (c.Table, "table"), (c.Key, "key"), (c.WrittenAt, "written_at") })
                if (!Identifier().IsMatch(value))
                    throw at.Error($"divergence check '{c.Name}': '{name}' is '{value}', not a plain column or table name", $"{key}.{name}");
            foreach (var (value, name) in new[] { (c.Expected, "expected"), (c.Actual, "actual") })
                if (string.IsNullOrWhiteSpace(value) || value.Contains(';'))
                    throw at.Error($"divergence check '{c.Name}': '{name}' must be one SQL expression over the table's columns", $"{key}.{name}");
        }
    }

    // A .NET message names the type it was filling; the path already says where.
    private static string Cleaned(string message) => message.Replace("Sluice.Canary.Definition.", "", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex Identifier();

    /// <summary>The file and the line of a key of the <c>canary</c> object, by its path below it.</summary>
    private static DefinitionObject At(string? file, EnvironmentKeyLines? lines) => new("canary", file, lines, ErrorCodes.BadCanary, Remedy);
}

using System.Text.Json.Serialization;

namespace Sluice.Canary.Definition;

/// <summary>
/// One judged metric: where it comes from, and its limits. <see cref="Max"/> and <see cref="Min"/> bound the canary's
/// aggregate value (an error rate from 0 to 1, a latency in ms, a count of events); <see cref="P95Max"/> and
/// <see cref="P99Max"/> bound percentiles of its raw samples (ms); <see cref="Compare"/> compares its samples with
/// the baseline's (Mann-Whitney, higher is worse).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CanaryMetric
{
    /// <summary>How reports name it; unique within the definition.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary><c>router</c>, <c>prometheus</c> or <c>database</c>.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>The source's metric (<c>error_rate</c>, <c>latency</c>, <c>sqlstate_errors</c>, ...); default <see cref="Name"/>.
    /// Not for <c>prometheus</c>, whose metric is its query.</summary>
    [JsonPropertyName("metric")]
    public string? Metric { get; init; }

    /// <summary>For <c>prometheus</c>: a PromQL template for the value, with <c>{version}</c> and <c>{window}</c>.</summary>
    [JsonPropertyName("query")]
    public string? Query { get; init; }

    /// <summary>For <c>prometheus</c>: a PromQL template for how many samples stand behind the value (requests).</summary>
    [JsonPropertyName("count_query")]
    public string? CountQuery { get; init; }

    [JsonPropertyName("max")]
    public double? Max { get; init; }

    [JsonPropertyName("min")]
    public double? Min { get; init; }

    [JsonPropertyName("p95_max")]
    public double? P95Max { get; init; }

    [JsonPropertyName("p99_max")]
    public double? P99Max { get; init; }

    [JsonPropertyName("compare")]
    public LatencyComparison? Compare { get; init; }

    /// <summary>This metric's own minimum; default the definition's <c>min_samples</c>, or 1 for a <c>database</c>
    /// metric, whose count is the sessions a version had (the database counts events, not requests).</summary>
    [JsonPropertyName("min_samples")]
    public int? MinSamples { get; init; }

    /// <summary>The metric name asked of the source.</summary>
    [JsonIgnore]
    public string SourceMetric => Metric ?? Name;
}

/// <summary>A baseline-against-canary comparison of raw samples: the canary fails when its shift above the baseline
/// is significant and bigger than <see cref="Tolerance"/> times the baseline's median (Kayenta's judge: 0.25).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LatencyComparison
{
    [JsonPropertyName("tolerance")]
    public double Tolerance { get; init; } = 0.25;
}

/// <summary>
/// Dual-write parity over the rows written during a step: <see cref="Expected"/> (the old representation) and
/// <see cref="Actual"/> (the same value built from the new one) must agree on every row of <see cref="Table"/> whose
/// <see cref="WrittenAt"/> falls in the step's window. Compared with the fingerprint service, which names the keys.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DivergenceCheck
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("table")]
    public required string Table { get; init; }

    /// <summary>The key column that names a differing row; default <c>id</c>.</summary>
    [JsonPropertyName("key")]
    public string Key { get; init; } = "id";

    /// <summary>An SQL expression over the table's columns: the old side (<c>full_name</c>).</summary>
    [JsonPropertyName("expected")]
    public required string Expected { get; init; }

    /// <summary>An SQL expression over the table's columns: the new side (<c>first_name || ' ' || last_name</c>).</summary>
    [JsonPropertyName("actual")]
    public required string Actual { get; init; }

    /// <summary>A timestamp column set on every write; selects the rows written during the window.</summary>
    [JsonPropertyName("written_at")]
    public required string WrittenAt { get; init; }
}

using System.Text.Json.Serialization;

namespace Sluice.Canary.Definition;

/// <summary>
/// The <c>canary</c> object of an environment: how traffic moves to the new version, what is measured at each step
/// and how many bad measurements end it. Read and checked by <see cref="CanaryDefinitionReader"/>; the limits mean
/// what they mean in Argo Rollouts (a run fails once a count goes <em>over</em> its limit).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CanaryDefinition
{
    /// <summary>Argo Rollouts' default for <c>consecutiveErrorLimit</c>.</summary>
    public const int DefaultConsecutiveErrorLimit = 4;

    /// <summary>Kayenta's best practice: "at least 50 pieces of time series data per metric".</summary>
    public const int DefaultMinSamples = 50;

    /// <summary>Kayenta's NetflixACAJudge compares at 0.98.</summary>
    public const double DefaultConfidence = 0.98;

    [JsonPropertyName("strategy")]
    public CanaryStrategy Strategy { get; init; } = CanaryStrategy.Canary;

    /// <summary>Traffic weights to the new version with the time each is watched; increasing, the last 100.</summary>
    [JsonPropertyName("steps")]
    public IReadOnlyList<CanaryStep> Steps { get; init; } = [];

    [JsonPropertyName("metrics")]
    public IReadOnlyList<CanaryMetric> Metrics { get; init; } = [];

    /// <summary>Dual-write parity checks run at every step while both versions write.</summary>
    [JsonPropertyName("divergence")]
    public IReadOnlyList<DivergenceCheck> Divergence { get; init; } = [];

    /// <summary>Failed measurements allowed; one more fails the canary. Default 0: the first failure rolls back.</summary>
    [JsonPropertyName("failure_limit")]
    public int FailureLimit { get; init; }

    /// <summary>Inconclusive measurements allowed (each holds the step and measures it again); one more fails the
    /// canary. Default 2, not Argo's 0: where Argo pauses for a human, Sluice rolls back, and the first short step of
    /// a quiet service often sees too few requests.</summary>
    [JsonPropertyName("inconclusive_limit")]
    public int InconclusiveLimit { get; init; } = 2;

    /// <summary>Measurements in a row whose source could not answer; one more fails the canary.</summary>
    [JsonPropertyName("consecutive_error_limit")]
    public int ConsecutiveErrorLimit { get; init; } = DefaultConsecutiveErrorLimit;

    /// <summary>Samples a metric needs per version per step; below it the metric is inconclusive.</summary>
    [JsonPropertyName("min_samples")]
    public int MinSamples { get; init; } = DefaultMinSamples;

    /// <summary>Confidence of the baseline-against-canary comparisons, shared by all of a step's comparisons
    /// (Holm's correction divides its complement among them).</summary>
    [JsonPropertyName("confidence")]
    public double Confidence { get; init; } = DefaultConfidence;

    /// <summary>The plan phase after which the new version can run; the canary starts once it is done.</summary>
    [JsonPropertyName("requires_phase")]
    public string? RequiresPhase { get; init; }

    /// <summary>The feature flag the new version reads; turned off by a rollback.</summary>
    [JsonPropertyName("flag")]
    public string? Flag { get; init; }

    /// <summary>What <c>{version}</c> becomes for each version in PromQL templates and <see cref="ApplicationName"/>.</summary>
    [JsonPropertyName("versions")]
    public VersionLabels Versions { get; init; } = new();

    /// <summary>Each version's <c>application_name</c> in the database, with <c>{version}</c> (e.g. <c>shop-v{version}</c>);
    /// needed by <c>database</c> metrics.</summary>
    [JsonPropertyName("application_name")]
    public string? ApplicationName { get; init; }

    /// <summary>The local router (YARP on 127.0.0.1) in front of the two running versions; null when the build
    /// provides its own router (Kubernetes, Azure).</summary>
    [JsonPropertyName("router")]
    public LocalRouterSpec? Router { get; init; }

    /// <summary>The Prometheus HTTP API the <c>prometheus</c> metrics query (<c>http://127.0.0.1:9090/</c>).</summary>
    [JsonPropertyName("prometheus")]
    public string? Prometheus { get; init; }

    /// <summary>The <c>application_name</c> of <paramref name="version"/>, or null when none is declared.</summary>
    public string? ApplicationNameOf(ServiceVersion version) => ApplicationName?.Replace("{version}", Versions.Of(version), StringComparison.Ordinal);
}

/// <summary>How the new version takes traffic: weighted steps, or one switch with the old version kept warm.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CanaryStrategy>))]
public enum CanaryStrategy
{
    [JsonStringEnumMemberName("canary")] Canary,
    [JsonStringEnumMemberName("blue_green")] BlueGreen,
}

/// <summary>One traffic step: the new version's weight in percent and how long it is watched before it is judged.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CanaryStep
{
    [JsonPropertyName("weight")]
    public required int Weight { get; init; }

    [JsonPropertyName("interval")]
    [JsonConverter(typeof(DurationJsonConverter))]
    public required TimeSpan Interval { get; init; }
}

/// <summary>The label each version carries in the metrics (<c>service_version="1"</c>) and its <c>application_name</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record VersionLabels
{
    [JsonPropertyName("baseline")]
    public string Baseline { get; init; } = "1";

    [JsonPropertyName("canary")]
    public string Canary { get; init; } = "2";

    public string Of(ServiceVersion version) => version == ServiceVersion.Baseline ? Baseline : Canary;
}

/// <summary>Where the two versions of the service answer, for the local router Sluice starts in front of them.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LocalRouterSpec
{
    /// <summary>The running baseline, e.g. <c>http://127.0.0.1:5001</c>.</summary>
    [JsonPropertyName("baseline")]
    public required string Baseline { get; init; }

    /// <summary>The running canary, e.g. <c>http://127.0.0.1:5002</c>.</summary>
    [JsonPropertyName("canary")]
    public required string Canary { get; init; }

    /// <summary>The router's port on 127.0.0.1; 0 for any free one.</summary>
    [JsonPropertyName("port")]
    public int Port { get; init; }

    /// <summary>Keep each user on the version that first served them (a cookie).</summary>
    [JsonPropertyName("sticky")]
    public bool Sticky { get; init; }

    /// <summary>A router already running as a process of its own (e.g. <c>http://127.0.0.1:5000</c>): the canary drives
    /// it through its admin endpoint instead of starting one, so the weights outlast each stage of a canary run in
    /// stages. Null: Sluice starts the router in its own process.</summary>
    [JsonPropertyName("admin")]
    public string? Admin { get; init; }
}

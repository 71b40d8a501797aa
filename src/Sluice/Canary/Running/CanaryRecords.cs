using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Canary.Running;

/// <summary>How a canary ended, as the journal keeps it.</summary>
public enum CanaryOutcome
{
    /// <summary>Under way, or its runner stopped before it could say.</summary>
    Running,

    /// <summary>The last step passed: the new version took all traffic.</summary>
    Promoted,

    /// <summary>Failed; traffic went back to the baseline and what the version needed was reverted.</summary>
    RolledBack,

    /// <summary>Failed, and the rollback after it failed too: a person must look.</summary>
    RollbackFailed,
}

/// <summary>What a canary is about: where, which plan it sits in (none when run alone) and who runs it.</summary>
public sealed record CanaryContext(string Environment, string? PlanId, string By);

/// <summary>One measurement as journaled: the analysis with the numbers behind every verdict, and what was decided.</summary>
public sealed record CanaryMeasurement(StepAnalysis Analysis, CanaryDecision Decision);

/// <summary>One canary as the journal recorded it, for Status and the reports.</summary>
/// <param name="BackOnBaselineAfter">From the failing verdict to traffic back on the baseline; null when it never failed.</param>
/// <param name="RolledBackDetail">What the rollback after the failure reverted, or why it failed.</param>
public sealed record CanaryRecord(
    long Id,
    string Environment,
    string? PlanId,
    CanaryStrategy Strategy,
    CanaryOutcome Outcome,
    string Reason,
    string By,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    TimeSpan? BackOnBaselineAfter,
    string? RolledBackDetail,
    IReadOnlyList<CanaryMeasurement> Measurements);

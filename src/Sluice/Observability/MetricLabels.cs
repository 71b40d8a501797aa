namespace Sluice.Observability;

/// <summary>The label (tag) names of Sluice's instruments, and the values a label may take where the set is closed.</summary>
public static class MetricLabels
{
    public const string DeploymentEnvironment = "environment";
    public const string Plan = "plan";
    public const string Phase = "phase";
    public const string Table = "table";
    public const string Reason = "reason";
    public const string Replica = "replica";
    public const string Gate = "gate";
    public const string Verdict = "verdict";
    public const string Outcome = "outcome";
    public const string Service = "service";
    public const string ServiceVersion = "version";
    public const string Role = "role";

    /// <summary>Values of <see cref="Reason"/>: what paused the backfill.</summary>
    public static class Reasons
    {
        public const string ReplicationLag = "replication_lag";
        public const string LockWaits = "lock_waits";
    }

    /// <summary>Values of <see cref="Verdict"/>.</summary>
    public static class Verdicts
    {
        public const string Pass = "pass";
        public const string Warn = "warn";
        public const string Fail = "fail";
    }

    /// <summary>Values of <see cref="Outcome"/> for rollbacks.</summary>
    public static class Outcomes
    {
        public const string Succeeded = "succeeded";
        public const string Failed = "failed";
    }

    /// <summary>Values of <see cref="Role"/> in a canary: the version under test and the one it is compared with.</summary>
    public static class Roles
    {
        public const string Canary = "canary";
        public const string Baseline = "baseline";
    }
}

namespace Sluice.Postgres.Clusters;

/// <summary>Where a streaming standby of a <see cref="LocalCluster"/> lives and how it follows its primary.</summary>
public sealed record StreamingReplicaOptions
{
    /// <summary>The standby's data folder (absolute or relative to the working folder); must be empty or absent before
    /// <see cref="StreamingReplica.CreateAsync"/>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A fixed port on 127.0.0.1: start fails when it is taken. Null picks a free one.</summary>
    public int? Port { get; init; }

    /// <summary>The port to try first when <see cref="Port"/> is null (the one used last time).</summary>
    public int? PreferredPort { get; init; }

    /// <summary>The physical replication slot on the primary: it keeps the WAL the standby has not received yet, so a
    /// stopped or paused standby can always catch up (at the price of the primary's disk while it is behind).</summary>
    public string SlotName { get; init; } = "sluice_replica";

    /// <summary>The name the standby reports to the primary (<c>pg_stat_replication.application_name</c>).</summary>
    public string ApplicationName { get; init; } = "sluice_replica";

    /// <summary>How long <see cref="StreamingReplica.WaitForReplayAsync"/> waits by default.</summary>
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

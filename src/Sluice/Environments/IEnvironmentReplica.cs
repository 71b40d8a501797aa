namespace Sluice.Environments;

/// <summary>
/// A streaming replica of the environment's database, where the environment has one (a local <c>replica</c>): what
/// Status shows, and the check a rollback ends with, so a revert is proven on the replica readers use as well as on the
/// primary.
/// </summary>
public interface IEnvironmentReplica
{
    /// <summary>Where the replica listens, <c>host:port</c> (no credentials).</summary>
    string Location { get; }

    /// <summary>Whether it streams, and how far behind the primary it is.</summary>
    Task<ReplicaStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>Waits until the replica has replayed the primary's current WAL position, then compares the database's
    /// schema and data fingerprints on both; returns what was checked, or throws SLU242 naming what differs (SLU240
    /// when replay does not get there in time).</summary>
    Task<string> VerifyAsync(CancellationToken cancellationToken);
}

/// <summary>A replica as the primary sees it.</summary>
/// <param name="ReplayLag">Time between a WAL position's flush on the primary and its replay on the replica; null when caught up.</param>
/// <param name="BytesBehind">WAL bytes the replica has yet to replay.</param>
public sealed record ReplicaStatus(string Location, bool Streaming, TimeSpan? ReplayLag, long BytesBehind, bool ReplayPaused)
{
    /// <summary>One line for Status: <c>replica 127.0.0.1:55433: streaming, replay lag 12 ms, 0 bytes behind</c>.</summary>
    public string Describe()
    {
        var state = Streaming ? "streaming" : "not streaming (the slot keeps its WAL)";
        var lag = ReplayLag is { } l ? $"replay lag {l.TotalMilliseconds:F0} ms" : "caught up";
        return $"replica {Location}: {state}, {lag}, {BytesBehind} bytes behind{(ReplayPaused ? ", replay paused (SELECT pg_wal_replay_resume() on the replica)" : "")}";
    }
}

namespace Sluice.Postgres.Clusters;

/// <summary>How far a standby is behind its primary, as the primary sees it (<c>pg_stat_replication</c>).</summary>
/// <param name="Streaming">True when the standby is connected and streaming.</param>
/// <param name="ReplayLag">The time between a WAL position's flush on the primary and its replay on the standby; null when caught up.</param>
/// <param name="BytesBehind">WAL bytes written on the primary and not yet replayed on the standby.</param>
/// <param name="ReplayPaused">True when replay is paused on the standby (<c>pg_wal_replay_pause()</c>).</param>
public sealed record ReplicaPosition(bool Streaming, TimeSpan? ReplayLag, long BytesBehind, bool ReplayPaused);

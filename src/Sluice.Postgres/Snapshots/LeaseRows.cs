using Npgsql;

namespace Sluice.Postgres.Snapshots;

/// <summary>What a snapshot leaves out of the journal: the lease row, which names whoever holds the environment at the
/// moment of the snapshot (the snapshot's own taker, under the lease). Restored, it would name a stale holder.</summary>
internal static class LeaseRows
{
    public const string Table = "sluice.leases";

    /// <summary>Empties the lease table of a copy, if it has one (a database never leased has no schema <c>sluice</c>).</summary>
    public static async Task ClearAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var clear = new NpgsqlCommand($"DO $$ BEGIN IF to_regclass('{Table}') IS NOT NULL THEN DELETE FROM {Table}; END IF; END $$", connection);
        await clear.ExecuteNonQueryAsync(cancellationToken);
    }
}

using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The state a rehearsal compares before and after a step: the database's schema and data fingerprint, the same
/// one snapshots are verified with. Row hashes do not depend on column order, so a down that drops a column and
/// adds it back (at the end of the table) restores the state when it restores the values.
/// </summary>
internal sealed class RehearsalState
{
    private static readonly PostgresFingerprints Fingerprints = new();
    private readonly string _connectionString;
    private readonly DatabaseFingerprint _fingerprint;

    private RehearsalState(string connectionString, DatabaseFingerprint fingerprint) => (_connectionString, _fingerprint) = (connectionString, fingerprint);

    public static async Task<RehearsalState> TakeAsync(string connectionString, CancellationToken cancellationToken) =>
        new(connectionString, await Fingerprints.TakeAsync(connectionString, cancellationToken));

    /// <summary>What differs now from this state, one readable line per difference ("column items.note: added",
    /// "public.items: 1 key range(s) differ: ..."); empty when nothing does. The database is fingerprinted again at
    /// this state's split points, so tables compare chunk by chunk.</summary>
    public async Task<IReadOnlyList<string>> ChangesAsync(CancellationToken cancellationToken)
    {
        var now = await Fingerprints.TakeAsync(_connectionString, cancellationToken, like: _fingerprint);
        var report = FingerprintComparison.Compare(_fingerprint, now);
        if (report.AreEqual) return [];
        // The last line of a rendered report is its verdict, not a difference.
        var lines = report.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines[..^1];
    }
}

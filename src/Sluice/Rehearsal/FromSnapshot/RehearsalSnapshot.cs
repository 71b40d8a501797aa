using Sluice.Snapshots;

namespace Sluice.Rehearsal.FromSnapshot;

/// <summary>The snapshot a rehearsal's data was restored from (<c>Rehearse --from-snapshot</c>), as its report and
/// evidence record it: real data of this size instead of synthetic rows.</summary>
/// <param name="Id">The snapshot's id in the environment's snapshot folder.</param>
/// <param name="Format">How it holds its data (a provider snapshot was restored to a throwaway instance or server).</param>
/// <param name="ProviderSnapshot">The provider's name for it (an RDS DB snapshot, an Azure backup), when it is one.</param>
/// <param name="CreatedAt">When it was taken.</param>
/// <param name="VerifiedAt">When a restore of it last compared equal with its fingerprint.</param>
/// <param name="Tables">Tables in its fingerprint.</param>
/// <param name="Rows">Rows in those tables: the size the phases ran on.</param>
public sealed record RehearsalSnapshot(string Id, SnapshotFormat Format, string? ProviderSnapshot, DateTimeOffset CreatedAt,
    DateTimeOffset VerifiedAt, int Tables, long Rows)
{
    public static RehearsalSnapshot Of(SnapshotManifest manifest) => new(manifest.Id, manifest.Format, manifest.ProviderSnapshot,
        manifest.CreatedAt, manifest.VerifiedAt ?? throw new ArgumentException($"snapshot {manifest.Id} is not verified", nameof(manifest)),
        manifest.Fingerprint.Data.Tables.Count, manifest.Fingerprint.Data.Tables.Sum(t => t.Rows));

    /// <summary>For messages and reports: <c>snapshot 20261201-101500-ab12 (provider sluice-production-..., 100 rows)</c>.</summary>
    public string Describe() =>
        $"snapshot {Id} ({(ProviderSnapshot is { } name ? $"{Format.ToString().ToLowerInvariant()} {name}" : Format.ToString().ToLowerInvariant())}, taken {CreatedAt:yyyy-MM-dd HH:mm}Z, {Tables} table(s), {Rows:N0} rows)";
}

using Sluice.Postgres.Clusters;
using Sluice.Postgres.Snapshots;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Snapshots;

/// <summary>Remembers what the store reported as verified, as the journal will.</summary>
internal sealed class RecordingListener : ISnapshotListener
{
    private readonly List<SnapshotVerification> _heard = [];

    public IReadOnlyList<SnapshotVerification> Heard
    {
        get { lock (_heard) return [.. _heard]; }
    }

    public Task SnapshotVerifiedAsync(SnapshotManifest manifest, SnapshotVerification verification, CancellationToken cancellationToken)
    {
        lock (_heard) _heard.Add(verification);
        return Task.CompletedTask;
    }
}

internal static class Stores
{
    public static async Task<PgDumpSnapshotStore> PgDumpAsync(PostgresFixture postgres, string folder, CancellationToken ct,
        SnapshotFormat format = SnapshotFormat.Custom, ISnapshotListener? listener = null, bool scratchCluster = false) =>
        new(new PgDumpSnapshotOptions
        {
            Folder = folder, Environment = "test", Format = format,
            VerifyServer = scratchCluster ? null : postgres.AdminConnectionString,
        }, await PostgresToolchain.DetectAsync(ct), listener);
}

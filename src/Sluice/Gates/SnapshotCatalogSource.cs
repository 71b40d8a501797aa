using Sluice.Snapshots;

namespace Sluice.Gates;

/// <summary>The latest verification among the snapshots of a snapshot folder (what <c>VerifySnapshot</c> records in each manifest).</summary>
public sealed class SnapshotCatalogSource(SnapshotCatalog catalog) : IVerifiedSnapshotSource
{
    public async Task<DateTimeOffset?> LatestVerifiedAsync(string environment, CancellationToken cancellationToken) =>
        (await catalog.ListAsync(cancellationToken)).Where(m => m.VerifiedAt is not null).Max(m => m.VerifiedAt);
}

using Sluice.Snapshots;

namespace Sluice.Gates;

/// <summary>The latest verification among the snapshots of a snapshot folder (what <c>VerifySnapshot</c> records in each
/// manifest), counting only snapshots whose files still match their manifest.</summary>
public sealed class SnapshotCatalogSource(SnapshotCatalog catalog) : IVerifiedSnapshotSource
{
    public async Task<DateTimeOffset?> LatestVerifiedAsync(string environment, CancellationToken cancellationToken) =>
        (await catalog.LatestIntactVerifiedAsync(cancellationToken))?.VerifiedAt;

    public async Task<string?> LatestVerifiedIdAsync(string environment, CancellationToken cancellationToken) =>
        (await catalog.LatestIntactVerifiedAsync(cancellationToken))?.Id;
}

using Sluice.Snapshots;

namespace Sluice.Releases;

/// <summary>Takes a snapshot of the environment and verifies it, before Promote changes anything.</summary>
public interface IReleaseSnapshot
{
    /// <returns>A line saying what was taken and verified.</returns>
    Task<string> TakeVerifiedAsync(CancellationToken cancellationToken);
}

/// <summary>A snapshot store's create and verify, as one step of Promote.</summary>
public sealed class StoreReleaseSnapshot(ISnapshotStore store, string connectionString) : IReleaseSnapshot
{
    public async Task<string> TakeVerifiedAsync(CancellationToken cancellationToken)
    {
        var manifest = await store.CreateAsync(connectionString, cancellationToken);
        var verification = await store.VerifyAsync(manifest.Id, cancellationToken);
        return $"snapshot {manifest.Id} taken and verified ({verification.Tables} tables, {verification.Rows:N0} rows)";
    }
}

namespace Repository.Tests;

/// <summary>
/// Snapshot, VerifySnapshot and Snapshots through the real build on the local environment: a newest snapshot that
/// lost its manifest is what VerifySnapshot verifies (and fails, naming it), and Snapshots lists it as damaged.
/// </summary>
public sealed class SnapshotCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-snapshot-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _throwaway.Dispose();

    [Fact]
    public async Task A_damaged_latest_snapshot_is_verified_as_the_latest_and_listed_as_damaged()
    {
        var first = await _throwaway.BuildAsync("Snapshot VerifySnapshot --env local", Ct);
        Assert.True(first.ExitCode == 0, first.Output);
        var second = await _throwaway.BuildAsync("Snapshot --env local", Ct);
        Assert.True(second.ExitCode == 0, second.Output);
        var folder = Path.Combine(_throwaway.Path, ".sluice", "snapshots", "local");
        var newest = Directory.EnumerateDirectories(folder).Select(Path.GetFileName).Max(StringComparer.Ordinal)!;
        File.Delete(Path.Combine(folder, newest, "manifest.json"));

        var verify = await _throwaway.BuildAsync("VerifySnapshot --env local", Ct);
        Assert.True(verify.ExitCode == 1, verify.Output);
        Assert.Contains($"error SLU051: snapshot {newest} is damaged: its manifest.json is missing", verify.Output, StringComparison.Ordinal);

        var list = await _throwaway.BuildAsync("Snapshots --env local", Ct);
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Contains($"{newest}  DAMAGED: snapshot {newest} is damaged: its manifest.json is missing", list.Output, StringComparison.Ordinal);
        Assert.Contains("verified", list.Output, StringComparison.Ordinal);
    }
}

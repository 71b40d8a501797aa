namespace Repository.Tests;

/// <summary>
/// Profile and Rehearse through the real build on the local environment, from a temp root holding a copy of
/// pipelines/ and of one bad rehearsal fixture: the sample passes (exit 0) with its reports written, the bad plan
/// fails (exit 1, SLU064) naming its statement.
/// </summary>
public sealed class RehearseCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-rehearse-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public RehearseCommandLineTests() => _throwaway.CopyIn(Path.Combine("tests", "Fixtures", "rehearsal", "index-blocking"), Path.Combine("bad", "items"));

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(string arguments, CancellationToken ct, Dictionary<string, string>? environment = null) =>
        _throwaway.BuildAsync(arguments, ct, environment);

    [Fact]
    public async Task The_sample_rehearses_with_exit_0_and_a_bad_plan_exits_1_naming_its_statement()
    {
        var profile = await RunAsync("Profile --env local", Ct);
        Assert.True(profile.ExitCode == 0, profile.Output);
        var profileFile = Path.Combine(Root, "pipelines", "shop", "profiles", "local.json");
        Assert.True(File.Exists(profileFile), profile.Output);
        // sluice.yaml marks customers.email and full_name sensitive: their values never reach the profile.
        Assert.DoesNotContain("@example.com", await File.ReadAllTextAsync(profileFile, Ct), StringComparison.Ordinal);

        // One replayed workload keeps the test short; the seed is printed for the next replay.
        var rehearse = await RunAsync("Rehearse --env local --workload-seed 5", Ct);
        Assert.True(rehearse.ExitCode == 0, rehearse.Output);
        Assert.Contains("workload seeds: 5 (replay one with --workload-seed N)", rehearse.Output, StringComparison.Ordinal);
        var markdown = await File.ReadAllTextAsync(Path.Combine(Root, ".sluice", "reports", "rehearsal-shop-local.md"), Ct);
        Assert.StartsWith("# Rehearsal of shop for local: passed", markdown, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, ".sluice", "reports", "rehearsal-shop-local.json")));

        var bad = await RunAsync("Rehearse --env local --pipelines bad --data-profile pipelines/shop/profiles/local.json --workload-runs 1", Ct);
        Assert.True(bad.ExitCode == 1, bad.Output);
        Assert.Contains("error SLU064", bad.Output, StringComparison.Ordinal);
        Assert.Contains("0001_index_name/up.sql:1", bad.Output, StringComparison.Ordinal);
    }
}

namespace Repository.Tests;

/// <summary>
/// Sluice's services called from a plain build.cake (samples/cake) with the Cake tool pinned in .config/dotnet-tools.json,
/// against a real local cluster that the repository's build provisions in a throwaway root.
/// </summary>
public sealed class CakeScriptTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-cake-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    [Fact]
    public async Task A_cake_script_loads_plans_migrates_and_reads_the_journal_through_Sluices_services()
    {
        var seeded = await _throwaway.BuildAsync("SeedSample", Ct);
        Assert.True(seeded.ExitCode == 0, seeded.Output);
        var restore = await ThrowawayRoot.RunAsync("dotnet", ["tool", "restore"], RepositoryRoot.Path, Ct);
        Assert.True(restore.ExitCode == 0, "dotnet tool restore (cake.tool 7.0.0): " + restore.Output);

        var database = _throwaway.LocalConnectionString("shop"); // the only service names the database
        var migrate = await Cake("Migrate", database);
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("shop/0001_split_customer_name: 5 phases", migrate.Output);
        Assert.Contains("1 plan(s) done", migrate.Output);

        var status = await Cake("Status", database);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("plan 0001_split_customer_name: done", status.Output);
    }

    [Fact]
    public async Task A_bad_plan_fails_the_cake_script_with_Sluices_error_line()
    {
        var restore = await ThrowawayRoot.RunAsync("dotnet", ["tool", "restore"], RepositoryRoot.Path, Ct);
        Assert.True(restore.ExitCode == 0, restore.Output);
        File.AppendAllText(Path.Combine(Root, "pipelines", "shop", "migrations", "0001_split_customer_name", "plan.yaml"), "\nsurprise: 1\n");
        var plans = await Cake("Plans", null);
        Assert.NotEqual(0, plans.ExitCode);
        Assert.Contains("error SLU0", plans.Output);
        Assert.Contains("surprise", plans.Output);
    }

    private Task<(int ExitCode, string Output)> Cake(string target, string? database)
    {
        var arguments = new List<string> { "cake", Path.Combine(RepositoryRoot.Path, "samples", "cake", "build.cake"), $"--target={target}",
            $"--pipelines={Path.Combine(Root, "pipelines")}", $"--sluice-bin={Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "_build", "debug")}" };
        if (database is not null) arguments.Add($"--database={database}");
        return ThrowawayRoot.RunAsync("dotnet", [.. arguments], RepositoryRoot.Path, Ct);
    }
}

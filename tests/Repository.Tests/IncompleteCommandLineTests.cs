namespace Repository.Tests;

/// <summary>
/// A migration whose time budget runs out, through the real build: exit 4, and the code printed is the domain's
/// SLU043 the run raised, not the engine's generic SLU090 for an incomplete target.
/// </summary>
public sealed class IncompleteCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-incomplete-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _throwaway.Dispose();

    [Fact]
    public async Task A_spent_time_budget_exits_4_printing_the_code_the_migration_raised()
    {
        var stopped = await _throwaway.BuildAsync("Migrate --env local --time-budget 1ms", Ct);
        Assert.True(stopped.ExitCode == 4, stopped.Output);
        Assert.Contains("warning: SLU043: the time budget of 1ms ran out", stopped.Output.Replace("\n", " "));
        Assert.Contains("remedy: run the same command again: it continues from the checkpoint", stopped.Output.Replace("\n", " "));
        Assert.DoesNotContain("SLU090", stopped.Output);

        var continued = await _throwaway.BuildAsync("Migrate --env local", Ct);
        Assert.True(continued.ExitCode == 0, continued.Output);
    }
}

namespace Repository.Tests;

/// <summary>A bad hook definition through the real build: exit 2 with the code, plan.yaml and its line, before any
/// database is provisioned or touched.</summary>
public sealed class HookCommandLineTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ThrowawayRoot _root = new("sluice-hook-cli-", withPipelines: false);

    [Fact]
    public async Task Migrate_with_a_token_written_into_a_hook_exits_2_naming_file_and_line()
    {
        var plan = Path.Combine(_root.Path, "pipelines", "shop", "migrations", "0001_hooked");
        Directory.CreateDirectory(plan);
        File.WriteAllText(Path.Combine(plan, "plan.yaml"), """
            id: 0001_hooked
            owner: ana
            risk: low
            description: a column, and a cache flushed with a token written into the plan
            max_partial_state: 1h
            phases:
              - name: add
                kind: expand
                up: add.up.sql
                down: add.down.sql
                hooks:
                  after:
                    - name: flush_cache
                      http: {url: 'https://cache.internal/flush', headers: {X-Api-Key: 5f2c9e1ab7}}
                      revert: none
                      reason: the cache refills itself
            """);
        File.WriteAllText(Path.Combine(plan, "add.up.sql"), "ALTER TABLE t ADD COLUMN c int;");
        File.WriteAllText(Path.Combine(plan, "add.down.sql"), "ALTER TABLE t DROP COLUMN c;");

        var run = await _root.BuildAsync("Migrate --env local", Ct);

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}");
        Assert.Contains("error SLU312: ", run.Output);
        Assert.Contains("header 'X-Api-Key' of hook 'flush_cache' of phase 'add' is written inline", run.Output);
        Assert.Contains("plan.yaml:14)", run.Output);
        Assert.Contains("remedy:", run.Output);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, ".sluice")), "a bad plan must not provision or touch a database");
    }

    public void Dispose() => _root.Dispose();
}

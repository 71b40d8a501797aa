using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// The sample service's release flow through the real build, as a user runs it from a fresh clone: a temp root holding
/// a copy of pipelines/, <c>Promote --env local</c> (seeds the sample, gates, migrates), again as a no-op, then
/// Status, Rollback and Approve.
/// </summary>
public sealed class PromoteCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-promote-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(string arguments, CancellationToken ct, Dictionary<string, string>? environment = null) =>
        _throwaway.BuildAsync(arguments, ct, environment);

    [Fact]
    public async Task Promote_on_local_from_a_fresh_root_completes_and_a_second_run_is_a_no_op()
    {
        var first = await RunAsync("Promote --env local", Ct);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("loaded pipelines/shop/schema/0000_base.sql", first.Output);
        Assert.Contains("gate            | verdict | evidence", first.Output);
        Assert.Contains("promoted 1 plan(s) to 'local'", first.Output);
        // The gates are shown before the first phase runs.
        Assert.True(first.Output.IndexOf("partial_state", StringComparison.Ordinal) < first.Output.IndexOf("add_split_columns: expand", StringComparison.Ordinal), first.Output);

        var second = await RunAsync("Promote --env local", Ct);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("nothing to promote: every plan is already done on 'local'", second.Output);
        Assert.DoesNotContain("add_split_columns", second.Output);

        var rollback = await RunAsync("Rollback --env local", Ct);
        Assert.True(rollback.ExitCode == 0, rollback.Output);
        Assert.Contains("plan '0001_split_customer_name' rolled back (5 phase(s))", rollback.Output);
        Assert.Contains("data verified: customers (2,000 rows) equal the baseline taken at ", rollback.Output.Replace("\n", " "));

        var status = await RunAsync("Status --env local", Ct);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("plan 0001_split_customer_name: reverted", status.Output);
        Assert.Contains("rollbacks: 1 of 1 succeeded", status.Output);
        Assert.Contains("local calendar pass", status.Output);

        var ownApproval = await RunAsync("Approve --env local --by team-shop", Ct);
        Assert.Equal(2, ownApproval.ExitCode);
        Assert.Contains("error SLU072", ownApproval.Output);

        var again = await RunAsync("Promote --env local", Ct);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("promoted 1 plan(s) to 'local'", again.Output);
    }

    [Fact]
    public async Task A_continue_only_run_starts_nothing_and_Promote_tells_CI_what_it_applied()
    {
        var outputs = Path.Combine(Root, "github_output");
        var github = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_OUTPUT"] = outputs, ["GITHUB_STEP_SUMMARY"] = Path.Combine(Root, "summary.md") };

        // A schedule's run: nothing is in progress, so nothing starts, though a plan is pending.
        var scheduled = await RunAsync("Promote --env local --continue-only", Ct, github);
        Assert.True(scheduled.ExitCode == 0, scheduled.Output);
        Assert.Contains("nothing in progress on 'local' (--continue-only)", scheduled.Output);
        Assert.DoesNotContain("add_split_columns: expand", scheduled.Output);

        File.Delete(outputs);
        var promote = await RunAsync("Promote --env local", Ct, github);
        Assert.True(promote.ExitCode == 0, promote.Output);
        var written = File.ReadAllText(outputs);
        Assert.Matches(@"plan<<(\w+)\n0001_split_customer_name\n\1", written);
        Assert.Matches(@"rolled_back<<(\w+)\nfalse\n\1", written);
        Assert.Matches(@"rollback_plan<<(\w+)\n\n\1", written);
    }

    [Fact]
    public async Task An_incomplete_Promote_tells_CI_its_progress_and_a_run_that_got_nothing_done_reports_the_same_figure()
    {
        var outputs = Path.Combine(Root, "github_output");
        var github = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_OUTPUT"] = outputs, ["GITHUB_STEP_SUMMARY"] = Path.Combine(Root, "summary.md") };
        string Progress() => System.Text.RegularExpressions.Regex.Match(File.ReadAllText(outputs), @"progress<<(\w+)\n(\d+)\n\1").Groups[2].Value;

        // A budget too short for any phase: the run stops before doing anything, and says so as progress 0 ...
        var first = await RunAsync("Promote --env local --time-budget 1ms", Ct, github);
        Assert.True(first.ExitCode == 4, first.Output);
        Assert.Equal("0", Progress());
        // ... and its follow-up gets no further: the same figure, which is what stops the CI continuation (SLU141).
        File.Delete(outputs);
        var second = await RunAsync("Promote --env local --time-budget 1ms", Ct, github);
        Assert.True(second.ExitCode == 4, second.Output);
        Assert.Equal("0", Progress());

        File.Delete(outputs);
        var done = await RunAsync("Promote --env local", Ct, github);
        Assert.True(done.ExitCode == 0, done.Output);
        Assert.DoesNotContain("progress<<", File.ReadAllText(outputs)); // complete: nothing for a continuation to compare
    }

    [Fact]
    public async Task Gate_prints_the_table_and_exits_1_outside_the_change_window()
    {
        // A calendar whose only window is an empty minute: every moment is outside it.
        File.WriteAllText(Path.Combine(Root, ".nuke", "parameters.local.json"), """
            { "environment": { "provider": "local", "calendar": { "time_zone": "Europe/Berlin", "windows": [{ "days": ["mon"], "from": "00:00", "to": "00:00" }] } } }
            """);
        var gate = await RunAsync("Gate --env local", Ct);
        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("error SLU070", gate.Output);
        Assert.Matches(@"calendar\s+\| fail\s+\| .* is outside every change window", gate.Output);

        var promote = await RunAsync("Promote --env local", Ct);
        Assert.Equal(1, promote.ExitCode);
        Assert.Contains("nothing was changed", promote.Output);
        Assert.DoesNotContain("add_split_columns: expand", promote.Output);
    }

    [Fact]
    public async Task A_later_environment_waits_for_local_and_a_failing_promote_there_rolls_back_what_it_did()
    {
        // qa: a second local cluster, second in the order.
        File.WriteAllText(Path.Combine(Root, ".nuke", "parameters.qa.json"), """{ "environment": { "provider": "local", "order": 1, "database": "shop_qa" } }""");
        var provision = await RunAsync("Provision --env local", Ct);
        Assert.True(provision.ExitCode == 0, provision.Output);

        var early = await RunAsync("Promote --env qa", Ct);
        Assert.Equal(1, early.ExitCode);
        Assert.Matches(@"promotion_order\s+\| fail\s+\| 'local' has not completed 0001_split_customer_name", early.Output);
        Assert.Contains("error SLU070", early.Output);
        Assert.DoesNotContain("add_split_columns: expand", early.Output);

        var local = await RunAsync("Promote --env local", Ct);
        Assert.True(local.ExitCode == 0, local.Output);

        // qa's database gets the shop's base schema (the repository's SeedSample fills local only), and refuses every
        // CREATE INDEX from now on (not the copies a snapshot verification restores): the third phase fails after two.
        await TestSql.ExecuteAsync(_throwaway.LocalConnectionString("shop_qa", "qa"),
            File.ReadAllText(Path.Combine(Root, "pipelines", "shop", "schema", "0000_base.sql")) + """
            ;
            CREATE FUNCTION sluice_test_refuse_index() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN IF current_database() = 'shop_qa' THEN RAISE EXCEPTION 'injected: no index on qa'; END IF; END $$;
            CREATE EVENT TRIGGER refuse_index ON ddl_command_start WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION sluice_test_refuse_index();
            """, Ct);
        var qa = await RunAsync("Promote --env qa", Ct);
        Assert.Equal(1, qa.ExitCode);
        Assert.Matches(@"promotion_order\s+\| pass\s+\| done at this hash on local", qa.Output);
        Assert.Contains("taken and verified", qa.Output);
        Assert.True(qa.Output.Contains("error SLU074", StringComparison.Ordinal), qa.Output);
        // The console wraps long error lines at a space: join them back before reading the sentence.
        Assert.Contains("injected: no index on qa", qa.Output.Replace("\n", ""));
        Assert.Contains("rolled back automatically: 0001_split_customer_name", qa.Output.Replace("\n", ""));

        var status = await RunAsync("Status --env qa", Ct);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("rollbacks: 1 of 1 succeeded", status.Output);
        Assert.Contains("automatic succeeded", status.Output);
    }
}

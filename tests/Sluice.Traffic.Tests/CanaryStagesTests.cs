using System.Diagnostics;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Testing.Postgres;
using Sluice.Tests;

namespace Sluice.Traffic.Tests;

/// <summary>
/// The canary in stages, as CI's deployment hooks run it: each stage is <c>./build.sh Canary --canary-stage S</c> in a
/// process of its own (the repository's real build), continuing from the journal; the YARP router runs in a process
/// apart from every stage (this test's) and keeps the weights, which the stages set through its admin endpoint.
/// The shop's v1 and v2 are real processes behind it, the load generator sends traffic through it, and a real
/// Prometheus scrapes both versions.
/// </summary>
public sealed class CanaryStagesTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stages_run_as_separate_processes_a_crashed_route_resumes_from_the_journal_and_finish_promotes()
    {
        await using var stack = await StagesStack.StartAsync(postgres, null, Ct);

        var prepare = await stack.StageAsync("prepare");
        Assert.True(prepare.ExitCode == 0, prepare.Output);
        Assert.Contains("prepared on 'stages'", prepare.Output, StringComparison.Ordinal);
        var prepared = await stack.UnderWayAsync();
        Assert.Empty(prepared.Measurements);
        var again = await stack.StageAsync("prepare"); // a re-run continues, never starts a second canary
        Assert.Contains($"canary {prepared.Id} is under way", again.Output, StringComparison.Ordinal);

        // The route stage crashes (SIGKILL) once its first step is journaled; the weights stay in the router process.
        var crashed = await stack.StageUntilAsync("route", async () => (await stack.UnderWayAsync()).Measurements.Count >= 1);
        Assert.NotEqual(0, crashed);
        Assert.Contains((await stack.Router.CurrentAsync(Ct)).CanaryPercent, new[] { 25, 50 }); // where the crashed stage left it

        var route = await stack.StageAsync("route");
        Assert.True(route.ExitCode == 0, route.Output);
        var routed = await stack.UnderWayAsync();
        Assert.Equal(prepared.Id, routed.Id);
        Assert.Equal(1, routed.Measurements[0].Analysis.Step);
        Assert.DoesNotContain(routed.Measurements, m => m.Analysis.Step == 3); // the last step is analyse's
        Assert.Equal(2, routed.Measurements[^1].Analysis.Step);
        Assert.Equal(CanaryAction.Continue, routed.Measurements[^1].Decision.Action);

        var analyse = await stack.StageAsync("analyse");
        Assert.True(analyse.ExitCode == 0, analyse.Output);
        var analysed = await stack.UnderWayAsync();
        Assert.Equal(CanaryAction.Promote, analysed.Measurements[^1].Decision.Action);
        Assert.Contains(analysed.Measurements, m => m.Analysis.Judgements.Any(j => j.Source == "prometheus" && j.Verdict == Verdict.Pass));
        Assert.Contains(analysed.Measurements, m => m.Analysis.Judgements.Any(j => j.Source == "router" && j.Verdict == Verdict.Pass));

        var finish = await stack.StageAsync("finish");
        Assert.True(finish.ExitCode == 0, finish.Output);
        Assert.Equal(TrafficSplit.AllCanary, await stack.Router.CurrentAsync(Ct));
        var done = (await stack.Journal.ReadAsync(1, Ct)).Single();
        Assert.Equal((prepared.Id, CanaryOutcome.Promoted), (done.Id, done.Outcome));
        Assert.Contains("canary report:", finish.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_stage_puts_traffic_back_on_the_baseline_and_journals_it_and_finish_after_a_crash_does_too()
    {
        await using var stack = await StagesStack.StartAsync(postgres, new Dictionary<string, string> { ["Shop__Faults__ErrorRate"] = "0.2" }, Ct);
        Assert.Equal(0, (await stack.StageAsync("prepare")).ExitCode);

        var route = await stack.StageAsync("route");
        Assert.True(route.ExitCode == 1, route.Output);
        Assert.Contains($"error {ErrorCodes.CanaryFailed}", route.Output, StringComparison.Ordinal);
        Assert.Equal(TrafficSplit.AllBaseline, await stack.Router.CurrentAsync(Ct));
        var failed = (await stack.Journal.ReadAsync(1, Ct)).Single();
        Assert.Equal(CanaryOutcome.RolledBack, failed.Outcome);
        Assert.Equal(Verdict.Fail, failed.Measurements[^1].Analysis.Verdict);
        var nothing = await stack.StageAsync("finish");
        Assert.True(nothing.ExitCode == 0, nothing.Output);
        Assert.Contains("nothing to finish", nothing.Output, StringComparison.Ordinal);
        var orphan = await stack.StageAsync("analyse");
        Assert.True(orphan.ExitCode == 2, orphan.Output);
        Assert.Contains($"error {ErrorCodes.CanaryNotPrepared}", orphan.Output, StringComparison.Ordinal);

        // A route stage killed mid-step, never re-run: the failure hook's finish puts traffic back and says where it stopped.
        Assert.Equal(0, (await stack.StageAsync("prepare")).ExitCode);
        await stack.StageUntilAsync("route", async () => (await stack.Router.CurrentAsync(Ct)).CanaryPercent > 0);
        Assert.Equal(25, (await stack.Router.CurrentAsync(Ct)).CanaryPercent);
        var finish = await stack.StageAsync("finish");
        Assert.True(finish.ExitCode == 0, finish.Output);
        Assert.Equal(TrafficSplit.AllBaseline, await stack.Router.CurrentAsync(Ct));
        var stopped = (await stack.Journal.ReadAsync(1, Ct)).Single();
        Assert.Equal(CanaryOutcome.RolledBack, stopped.Outcome);
        Assert.Contains("did not complete", stopped.Reason, StringComparison.Ordinal);
    }

    /// <summary>A build root with environment <c>stages</c> whose canary drives this test's router process.</summary>
    private sealed class StagesStack : IAsyncDisposable
    {
        private readonly CanaryProcessStack _stack;

        private StagesStack(CanaryProcessStack stack) => _stack = stack;

        public ITrafficRouter Router => _stack.Router;

        public ICanaryJournal Journal => _stack.Journal;

        // Both versions run on the schema after the backfill: the plan as far as that is done, and nothing pending.
        public static async Task<StagesStack> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string>? v2Settings, CancellationToken ct) =>
            new(await CanaryProcessStack.StartAsync(postgres, 2, 2, "", v2Settings, "sluice-stages-", ct));

        public async Task<CanaryRecord> UnderWayAsync() => await Journal.FindUnderWayAsync("stages", Ct) ?? throw new InvalidOperationException("no canary under way");

        public async Task<(int ExitCode, string Output)> StageAsync(string stage)
        {
            using var process = Start(stage);
            var output = ReadAll(process);
            await process.WaitForExitAsync(Ct);
            var text = await output;
            TestContext.Current.TestOutputHelper?.WriteLine($"--- {stage}: exit {process.ExitCode}\n{text}");
            return (process.ExitCode, text);
        }

        /// <summary>Starts a stage and kills it (SIGKILL, as a crashed CI agent) once <paramref name="until"/> holds.</summary>
        public async Task<int> StageUntilAsync(string stage, Func<Task<bool>> until)
        {
            using var process = Start(stage);
            var output = ReadAll(process);
            var waited = Stopwatch.StartNew();
            while (!process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (await Ready(until)) break;
                await Task.Delay(100, Ct);
            }
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"--- {stage} (killed): exit {process.ExitCode}\n{await output}");
            return process.ExitCode;
        }

        private static async Task<bool> Ready(Func<Task<bool>> until)
        {
            try
            {
                return await until();
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private Process Start(string stage) => Process.Start(_stack.Build("Canary", "--env", CanaryProcessStack.Environment, "--canary-stage", stage))!;

        private static async Task<string> ReadAll(Process process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            return await stdout + await stderr;
        }

        public ValueTask DisposeAsync() => _stack.DisposeAsync();
    }
}

using Sluice.Build;

namespace Sluice.Build.Tests;

/// <summary>One test per row of the rule table in <see cref="ExecutionPlanner"/>; the method name starts with the row id.</summary>
public sealed class PlanningRulesTests : IDisposable
{
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class Chain : RecordingBuild
    {
        public Target A => _ => Record(_, "A");
        public Target B => _ => Record(_, "B").DependsOn(A);
        public Target C => _ => Record(_, "C").DependsOn(B);
        public Target D => _ => Record(_, "D");
    }

    [Fact]
    public async Task P1_default_targets_run_when_none_are_named_and_named_targets_replace_them()
    {
        var byDefault = await _root.RunAsync<Chain>("", cancellationToken: Ct, defaultTargets: x => x.B);
        Assert.Equal(["A", "B"], ((Chain)byDefault.Build).Ran);

        var named = await _root.RunAsync<Chain>("D", cancellationToken: Ct, defaultTargets: x => x.B);
        Assert.Equal(["D"], ((Chain)named.Build).Ran);
    }

    [Fact]
    public async Task P2_DependsOn_pulls_the_dependency_in_and_runs_it_first()
    {
        var run = await _root.RunAsync<Chain>("C", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(["A", "B", "C"], ((Chain)run.Build).Ran);
    }

    private sealed class Dependent : RecordingBuild
    {
        public Target Deploy => _ => Record(_, "Deploy");
        public Target Backup => _ => Record(_, "Backup").DependentFor(Deploy);
    }

    [Fact]
    public async Task P3_DependentFor_is_DependsOn_seen_from_the_other_side()
    {
        var run = await _root.RunAsync<Dependent>("Deploy", cancellationToken: Ct);
        Assert.Equal(["Backup", "Deploy"], ((Dependent)run.Build).Ran);
    }

    private sealed class Ordered : RecordingBuild
    {
        public Target A => _ => Record(_, "A");
        public Target B => _ => Record(_, "B").After(A);
        public Target C => _ => Record(_, "C").Before(A);
    }

    [Fact]
    public async Task P4_After_and_Before_order_planned_targets_but_never_pull_one_in()
    {
        var alone = await _root.RunAsync<Ordered>("B", cancellationToken: Ct);
        Assert.Equal(["B"], ((Ordered)alone.Build).Ran);

        var all = await _root.RunAsync<Ordered>("B A C", cancellationToken: Ct);
        Assert.Equal(["C", "A", "B"], ((Ordered)all.Build).Ran);
    }

    private sealed class Triggering : RecordingBuild
    {
        public Target Prepare => _ => Record(_, "Prepare");
        public Target Deploy => _ => Record(_, "Deploy").Triggers(Notify);
        public Target Notify => _ => Record(_, "Notify").DependsOn(Prepare).Triggers(Archive);
        public Target Archive => _ => Record(_, "Archive");
        public Target Audit => _ => Record(_, "Audit").TriggeredBy(Deploy);
    }

    [Fact]
    public async Task P5_triggers_join_the_plan_to_a_fixed_point_with_their_dependencies_and_run_after_the_trigger()
    {
        var run = await _root.RunAsync<Triggering>("Deploy", cancellationToken: Ct);
        var ran = ((Triggering)run.Build).Ran;
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(new[] { "Archive", "Audit", "Deploy", "Notify", "Prepare" }, ran.Order());
        Assert.True(ran.IndexOf("Deploy") < ran.IndexOf("Notify"));
        Assert.True(ran.IndexOf("Prepare") < ran.IndexOf("Notify"));
        Assert.True(ran.IndexOf("Notify") < ran.IndexOf("Archive"));
        Assert.True(ran.IndexOf("Deploy") < ran.IndexOf("Audit"));
    }

    private sealed class Cyclic : RecordingBuild
    {
        public Target A => _ => Record(_, "A").DependsOn(B);
        public Target B => _ => Record(_, "B").DependsOn(C);
        public Target C => _ => Record(_, "C").After(A);
    }

    [Fact]
    public async Task P6_a_cycle_is_a_usage_error_that_names_the_whole_path()
    {
        var run = await _root.RunAsync<Cyclic>("A", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("error SLU003: targets form a cycle: A -> B -> C -> A", run.Output);
        Assert.Empty(((Cyclic)run.Build).Ran);
    }

    private sealed class Named : RecordingBuild
    {
        public Target Compile => _ => Record(_, "Compile");
        public Target CompileDocs => _ => Record(_, "CompileDocs");
        public Target Test => _ => Record(_, "Test");
    }

    [Fact]
    public async Task P7_an_unknown_target_is_a_usage_error_naming_the_closest_targets()
    {
        var run = await _root.RunAsync<Named>("Compil", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("error SLU001: unknown target 'Compil'", run.Output);
        Assert.Contains("did you mean Compile, CompileDocs?", run.Output);
    }

    [Fact]
    public async Task P8_order_is_deterministic_invoked_order_first_then_declaration_order()
    {
        var first = await _root.RunAsync<Chain>("D C", cancellationToken: Ct);
        var second = await _root.RunAsync<Chain>("D C", cancellationToken: Ct);
        Assert.Equal(["D", "A", "B", "C"], first.Planned);
        Assert.Equal(first.Planned, second.Planned);
    }

    [Fact]
    public async Task S1_skip_alone_skips_every_target_that_was_not_invoked()
    {
        var run = await _root.RunAsync<Chain>("C --skip", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(["C"], ((Chain)run.Build).Ran);
        Assert.Equal(TargetStatus.Skipped, run.Status("B"));
    }

    [Fact]
    public async Task S2_skip_with_names_skips_those_targets()
    {
        var run = await _root.RunAsync<Chain>("C --skip B", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Skipped, run.Status("B"));
        Assert.Equal("--skip B", run.Result("B").Note);
        Assert.Equal(["C"], ((Chain)run.Build).Ran);
    }

    [Fact]
    public async Task S3_skip_never_skips_an_invoked_target()
    {
        var bare = await _root.RunAsync<Chain>("C --skip", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Succeeded, bare.Status("C"));
        var named = await _root.RunAsync<Chain>("C --skip C B", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Succeeded, named.Status("C"));
        Assert.Equal(["C"], ((Chain)named.Build).Ran);
    }

    private sealed class Conditional : RecordingBuild
    {
        public bool Allowed { get; set; }
        public Target Gate => _ => Record(_, "Gate").OnlyWhenStatic(() => Allowed);
        public Target Deploy => _ => Record(_, "Deploy").DependsOn(Gate);
    }

    [Fact]
    public async Task S4_OnlyWhenStatic_false_skips_even_an_invoked_target_before_anything_runs()
    {
        var run = await _root.RunAsync<Conditional>("Gate", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(TargetStatus.Skipped, run.Status("Gate"));
        Assert.Equal("condition false: Allowed", run.Result("Gate").Note);
        Assert.Empty(((Conditional)run.Build).Ran);
    }

    private sealed class Cascade : RecordingBuild
    {
        public Target Provision => _ => Record(_, "Provision");
        public Target Snapshot => _ => Record(_, "Snapshot").DependsOn(Provision);
        public Target Promote => _ => Record(_, "Promote").DependsOn(Snapshot);
        public Target Report => _ => Record(_, "Report").DependsOn(Provision);
    }

    [Fact]
    public async Task S5_a_skipped_target_does_not_pull_in_its_dependencies_unless_another_target_needs_them()
    {
        var cascaded = await _root.RunAsync<Cascade>("Promote --skip Snapshot", cancellationToken: Ct);
        Assert.DoesNotContain("Provision", cascaded.Planned);
        Assert.Equal(["Promote"], ((Cascade)cascaded.Build).Ran);

        var stillNeeded = await _root.RunAsync<Cascade>("Promote Report --skip Snapshot", cancellationToken: Ct);
        Assert.Equal(["Provision", "Promote", "Report"], ((Cascade)stillNeeded.Build).Ran);
    }

    private sealed class SkippedTrigger : RecordingBuild
    {
        public bool Allowed { get; set; }
        public Target Migrate => _ => Record(_, "Migrate").Triggers(Notify);
        public Target Notify => _ => Record(_, "Notify");
        public Target Promote => _ => Record(_, "Promote").DependsOn(Migrate);
        public Target Canary => _ => Record(_, "Canary").OnlyWhenStatic(() => Allowed).Triggers(Notify);
    }

    [Fact]
    public async Task S6_a_skipped_target_does_not_fire_its_triggers()
    {
        var skipped = await _root.RunAsync<SkippedTrigger>("Promote --skip Migrate", cancellationToken: Ct);
        Assert.DoesNotContain("Notify", skipped.Planned);
        Assert.Equal(["Promote"], ((SkippedTrigger)skipped.Build).Ran);

        var conditionFalse = await _root.RunAsync<SkippedTrigger>("Canary", cancellationToken: Ct);
        Assert.DoesNotContain("Notify", conditionFalse.Planned);
        Assert.Empty(((SkippedTrigger)conditionFalse.Build).Ran);
    }

    private sealed class Requiring : RecordingBuild
    {
        [Parameter("A connection string")] public string? Database { get; set; }
        public Target Prepare => _ => Record(_, "Prepare");
        public Target Migrate => _ => Record(_, "Migrate").DependsOn(Prepare).Requires(() => Database);
        public Target Report => _ => Record(_, "Report").DependsOn(Migrate);
    }

    [Fact]
    public async Task S7_requirements_of_skipped_targets_are_not_enforced()
    {
        var run = await _root.RunAsync<Requiring>("Report --skip Migrate", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(["Report"], ((Requiring)run.Build).Ran);
    }

    [Fact]
    public async Task S8_requirements_of_planned_targets_are_checked_before_any_target_runs()
    {
        var run = await _root.RunAsync<Requiring>("Report", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("error SLU005: Migrate requires parameter --database", run.Output);
        Assert.Contains("SLUICE_DATABASE", run.Output);
        Assert.Empty(((Requiring)run.Build).Ran);

        var satisfied = await _root.RunAsync<Requiring>("Report --database Host=x", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, satisfied.ExitCode);
    }

    private sealed class Failing : RecordingBuild
    {
        public Target Broken => _ => _.ProceedAfterFailure().Executes(() => throw new InvalidOperationException("boom"));
        public Target NeedsBroken => _ => Record(_, "NeedsBroken").DependsOn(Broken);
        public Target Independent => _ => Record(_, "Independent").After(Broken);
        public Target Fatal => _ => _.Executes(() => throw new InvalidOperationException("fatal"));
        public Target Later => _ => Record(_, "Later").After(Fatal);
        public Target Cleanup => _ => Record(_, "Cleanup").AssuredAfterFailure().After(Fatal, Broken, Later);
        public Target CleanupOfBroken => _ => Record(_, "CleanupOfBroken").AssuredAfterFailure().DependsOn(Broken);
    }

    [Fact]
    public async Task E1_dependents_of_a_failed_target_never_run_even_with_ProceedAfterFailure()
    {
        var run = await _root.RunAsync<Failing>("NeedsBroken Independent", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Failed, run.Status("Broken"));
        Assert.Equal(TargetStatus.NotRun, run.Status("NeedsBroken"));
        Assert.Equal("dependency Broken failed", run.Result("NeedsBroken").Note);
        Assert.DoesNotContain("NeedsBroken", ((Failing)run.Build).Ran);
    }

    [Fact]
    public async Task E2_after_a_failure_without_ProceedAfterFailure_later_targets_do_not_run()
    {
        var run = await _root.RunAsync<Failing>("Fatal Later", cancellationToken: Ct);
        Assert.Equal(ExitCode.TargetFailed, run.ExitCode);
        Assert.Equal(TargetStatus.NotRun, run.Status("Later"));
        Assert.Equal("an earlier target failed", run.Result("Later").Note);
    }

    [Fact]
    public async Task E3_after_a_failure_with_ProceedAfterFailure_independent_targets_still_run_and_the_exit_code_is_1()
    {
        var run = await _root.RunAsync<Failing>("NeedsBroken Independent", cancellationToken: Ct);
        Assert.Equal(ExitCode.TargetFailed, run.ExitCode);
        Assert.Equal(TargetStatus.Succeeded, run.Status("Independent"));
    }

    [Fact]
    public async Task E4_assured_targets_run_after_a_failure_but_not_when_their_own_dependency_failed()
    {
        var run = await _root.RunAsync<Failing>("Fatal Later Cleanup CleanupOfBroken", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Succeeded, run.Status("Cleanup"));
        Assert.Equal(TargetStatus.NotRun, run.Status("CleanupOfBroken"));
        Assert.Equal(["Cleanup"], ((Failing)run.Build).Ran);
    }

    private sealed class Cancellable : RecordingBuild
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool SawCancellation { get; private set; }

        public Target Migrate => _ => _.Resumable().Executes(async ct =>
        {
            Started.SetResult();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { SawCancellation = true; throw; }
        });
        public Target Verify => _ => Record(_, "Verify").After(Migrate);
        public Target ReleaseLock => _ => Record(_, "ReleaseLock").AssuredAfterFailure().After(Migrate, Verify);
    }

    [Fact]
    public async Task E4_E9_Ctrl_C_cancels_the_running_target_skips_the_rest_and_still_runs_assured_targets()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var build = new Cancellable();
        var running = _root.RunAsync(build, "Migrate Verify ReleaseLock", cancellationToken: cts.Token);
        await build.Started.Task.WaitAsync(Ct);
        await cts.CancelAsync();
        var run = await running;

        Assert.True(build.SawCancellation);
        Assert.Equal(TargetStatus.Cancelled, run.Status("Migrate"));
        Assert.Contains("resumable", run.Result("Migrate").Note);
        Assert.Equal(TargetStatus.NotRun, run.Status("Verify"));
        Assert.Equal("run cancelled", run.Result("Verify").Note);
        Assert.Equal(TargetStatus.Succeeded, run.Status("ReleaseLock"));
        Assert.Equal(ExitCode.TargetFailed, run.ExitCode);
    }

    private sealed class Dynamic : RecordingBuild
    {
        public bool NeedsMigration { get; set; }
        public Target Inspect => _ => _.Executes(() => NeedsMigration = false);
        public Target Migrate => _ => Record(_, "Migrate").DependsOn(Inspect).OnlyWhenDynamic(() => NeedsMigration).Triggers(Announce);
        public Target Announce => _ => Record(_, "Announce");
        public Target Report => _ => Record(_, "Report").DependsOn(Migrate);
    }

    [Fact]
    public async Task E5_E6_OnlyWhenDynamic_false_skips_at_run_time_dependents_still_run_and_its_triggers_do_not_fire()
    {
        var build = new Dynamic { NeedsMigration = true };
        var run = await _root.RunAsync(build, "Report", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(TargetStatus.Skipped, run.Status("Migrate"));
        Assert.Equal("condition false: NeedsMigration", run.Result("Migrate").Note);
        Assert.Equal(TargetStatus.Skipped, run.Status("Announce"));
        Assert.StartsWith("not triggered", run.Result("Announce").Note);
        Assert.Equal(["Report"], build.Ran);
    }

    private sealed class Slow : RecordingBuild
    {
        public bool TokenCancelled { get; private set; }
        public Target Hang => _ => _.Timeout(TimeSpan.FromMilliseconds(200)).Executes(async ct =>
        {
            await using var _ = ct.Register(() => TokenCancelled = true);
            await Task.Delay(Timeout.Infinite, ct);
        });
        public Target After => _ => Record(_, "After").DependsOn(Hang);
    }

    [Fact]
    public async Task E7_a_timeout_cancels_the_token_and_fails_the_target()
    {
        var build = new Slow();
        var run = await _root.RunAsync(build, "After", cancellationToken: Ct);
        Assert.True(build.TokenCancelled);
        Assert.Equal(TargetStatus.TimedOut, run.Status("Hang"));
        Assert.Equal("timed out after 200ms", run.Result("Hang").Note);
        Assert.Equal(TargetStatus.NotRun, run.Status("After"));
        Assert.Equal(ExitCode.TargetFailed, run.ExitCode);
    }

    [Fact]
    public async Task E7_a_target_that_ignores_its_token_is_abandoned_after_the_grace_period()
    {
        var host = new GitHubActionsHost(new HostOutput(new StringWriter(), new SecretRegistry(), new Dictionary<string, string>()));
        var build = new Stubborn();
        var catalog = TargetCatalog.Discover(build);
        var plan = ExecutionPlanner.Plan(catalog, ["Ignore"]);
        var outcome = await new TargetExecutor(host) { CancellationGrace = TimeSpan.FromMilliseconds(100) }.RunAsync(plan, Ct);
        Assert.Equal(TargetStatus.TimedOut, outcome.Results.Single().Status);
        build.Release.Set();
    }

    private sealed class Stubborn : RecordingBuild
    {
        public ManualResetEventSlim Release { get; } = new();
        public Target Ignore => _ => _.Timeout(TimeSpan.FromMilliseconds(100)).Executes(() => Release.Wait(TimeSpan.FromSeconds(30)));
    }

    private sealed class Flaky : RecordingBuild
    {
        public int Calls;
        public Target SometimesFails => _ => _.Retries(2, TimeSpan.FromMilliseconds(5)).Executes(() =>
        {
            if (Interlocked.Increment(ref Calls) < 3) throw new IOException("transient");
        });
        public Target AlwaysFails => _ => _.Retries(1, TimeSpan.FromMilliseconds(5)).Executes(() =>
        {
            Interlocked.Increment(ref Calls);
            throw new IOException("permanent");
        });
        public Target TimesOut => _ => _.Retries(3).Timeout(TimeSpan.FromMilliseconds(50)).Executes(async ct =>
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(Timeout.Infinite, ct);
        });
    }

    [Fact]
    public async Task E8_retries_repeat_a_failed_attempt_within_the_bound_and_never_after_a_timeout()
    {
        var flaky = new Flaky();
        var recovered = await _root.RunAsync(flaky, "SometimesFails", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Succeeded, recovered.Status("SometimesFails"));
        Assert.Equal(3, recovered.Result("SometimesFails").Attempts);
        Assert.Contains("attempt 1 of 3", recovered.Output);

        var hopeless = new Flaky();
        var failed = await _root.RunAsync(hopeless, "AlwaysFails", cancellationToken: Ct);
        Assert.Equal(TargetStatus.Failed, failed.Status("AlwaysFails"));
        Assert.Equal(2, hopeless.Calls);

        var slow = new Flaky();
        var timedOut = await _root.RunAsync(slow, "TimesOut", cancellationToken: Ct);
        Assert.Equal(TargetStatus.TimedOut, timedOut.Status("TimesOut"));
        Assert.Equal(1, slow.Calls);
    }

    private sealed class Budgeted : RecordingBuild
    {
        public Target Backfill => _ => _.Resumable().Executes(() => throw new IncompleteException("time budget of 50m used; 40% done"));
        public Target Contract => _ => Record(_, "Contract").DependsOn(Backfill);
    }

    [Fact]
    public async Task E10_an_incomplete_target_stops_its_dependents_and_the_run_exits_4()
    {
        var run = await _root.RunAsync<Budgeted>("Contract", cancellationToken: Ct);
        Assert.Equal(ExitCode.Incomplete, run.ExitCode);
        Assert.Equal(TargetStatus.Incomplete, run.Status("Backfill"));
        Assert.Equal(TargetStatus.NotRun, run.Status("Contract"));
        Assert.Equal("dependency Backfill is incomplete", run.Result("Contract").Note);
    }

    private sealed class FailsOnce : RecordingBuild
    {
        public bool Broken { get; set; } = true;
        public Target Snapshot => _ => Record(_, "Snapshot");
        public Target Migrate => _ => Record(_, "Migrate").DependsOn(Snapshot).Executes(() => { if (Broken) throw new IOException("network"); });
        public Target Verify => _ => Record(_, "Verify").DependsOn(Migrate);
    }

    [Fact]
    public async Task Continue_skips_what_succeeded_in_the_last_run_of_the_same_command()
    {
        var first = await _root.RunAsync<FailsOnce>("Verify", cancellationToken: Ct);
        Assert.Equal(ExitCode.TargetFailed, first.ExitCode);

        var again = new FailsOnce { Broken = false };
        var continued = await _root.RunAsync(again, "Verify --continue", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, continued.ExitCode);
        Assert.Equal(["Migrate", "Verify"], again.Ran);
        Assert.Equal("succeeded in the previous run (--continue)", continued.Result("Snapshot").Note);

        var other = new FailsOnce { Broken = false };
        var differentCommand = await _root.RunAsync(other, "Migrate --continue", cancellationToken: Ct);
        Assert.Equal(["Snapshot", "Migrate"], other.Ran);
        Assert.Contains("no previous run of this command", differentCommand.Output);
    }

    private sealed class Busy : RecordingBuild
    {
        public Target Migrate => _ => _.Executes(() => throw new EnvironmentBusyException("SLU040", "staging is held by ci@runner-7 since 10:02 UTC"));
    }

    [Fact]
    public async Task E11_exit_code_is_0_only_when_everything_succeeded_or_was_skipped_and_a_busy_environment_exits_3()
    {
        var ok = await _root.RunAsync<Chain>("C --skip A", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, ok.ExitCode);

        var busy = await _root.RunAsync<Busy>("Migrate", cancellationToken: Ct);
        Assert.Equal(ExitCode.EnvironmentBusy, busy.ExitCode);
        Assert.Contains("error SLU040: staging is held by ci@runner-7 since 10:02 UTC", busy.Output);
    }
}

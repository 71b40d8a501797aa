using Sluice.Build.Ci;

namespace Sluice.Build.Tests.Ci;

/// <summary>The rows of <see cref="CiJobShapeCheck"/>'s table (SLU151 matrices, SLU152 lifecycle hooks), and SLU154
/// (a scheduled run beside continue-only work), each refused before any file is written.</summary>
public sealed class CiJobShapeCheckTests : IDisposable
{
    private readonly TestRoot _root = new();

    public void Dispose() => _root.Dispose();

    private sealed class Jobs(CiJob[] jobs, CiTrigger[]? triggers = null) : SluiceBuild
    {
        public Target Test => _ => _.Executes(() => { });
        public Target Promote => _ => _.Environment().Executes(() => { });
        public Target Rollback => _ => _.Environment().Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines => [new CiPipeline("ci") { Triggers = triggers ?? [CiTrigger.Push("main")], Jobs = jobs }];
    }

    private UsageException Refused(string code, CiJob[] jobs, CiTrigger[]? triggers = null)
    {
        var error = Assert.Throws<UsageException>(() => CiGenerator.Generate(new Jobs(jobs, triggers), new AbsolutePath(_root.Path)));
        Assert.Equal(code, error.Code);
        Assert.Equal(ExitCode.UsageError, error.ExitCode);
        return error;
    }

    private static CiMatrix Matrix(params (string Label, string Variable)[] cells) =>
        new("server", cells.Select(c => new CiMatrixCell(c.Label, new Dictionary<string, string> { [c.Variable] = c.Label })).ToList());

    private UsageException RefusedMatrix(CiJob job) => Refused(EngineErrorCodes.BadJobMatrix, [job]);

    [Fact]
    public void Row_1_a_matrix_on_a_deployment_job_is_refused()
    {
        var error = RefusedMatrix(new CiJob("Promote") { Environment = "staging", Matrix = Matrix(("16", "SERVER_VERSION")) });
        Assert.Contains("pipeline ci: job promote-staging: a job that acts on an environment cannot run as a matrix", error.Message);
    }

    [Fact]
    public void Row_2_a_matrix_without_cells_with_a_repeated_label_or_an_unusable_label_is_refused()
    {
        Assert.Contains("has no cells", RefusedMatrix(new CiJob("Test") { Matrix = new CiMatrix("server", []) }).Message);
        Assert.Contains("two matrix cells are labelled '16'", RefusedMatrix(new CiJob("Test") { Matrix = Matrix(("16", "V"), ("16", "V")) }).Message);
        Assert.Contains("the matrix label '16 beta' is not", RefusedMatrix(new CiJob("Test") { Matrix = Matrix(("16 beta", "V")) }).Message);
        Assert.Contains("the matrix name 'server-version' is not an identifier", RefusedMatrix(new CiJob("Test") { Matrix = Matrix(("16", "V")) with { Name = "server-version" } }).Message);
    }

    [Fact]
    public void Row_3_a_cell_variable_that_cannot_be_written_or_differs_between_cells_is_refused()
    {
        Assert.Contains("the matrix variable 'SERVER-VERSION' is not an identifier", RefusedMatrix(new CiJob("Test") { Matrix = Matrix(("16", "SERVER-VERSION")) }).Message);
        Assert.Contains("the matrix variable DEPLOY_ENV is set by the generated step itself", RefusedMatrix(new CiJob("Test") { Matrix = Matrix(("16", "DEPLOY_ENV")) }).Message);
        Assert.Contains("the matrix cell '17' sets B, the cell '16' A", RefusedMatrix(new CiJob("Test") { Matrix = Matrix(("16", "A"), ("17", "B")) }).Message);
    }

    private UsageException RefusedHooks(CiJob job) => Refused(EngineErrorCodes.BadJobLifecycle, [job]);

    [Fact]
    public void Row_4_hooks_on_a_rollback_or_budgeted_job_or_traffic_hooks_without_an_environment_are_refused()
    {
        var hooks = new CiLifecycle { OnSuccess = [new CiHookStep("Test")] };
        Assert.Contains("a rollback job or a time-budgeted job cannot have lifecycle hooks",
            Refused(EngineErrorCodes.BadJobLifecycle, [new CiJob("Promote") { Environment = "staging" }, new CiJob("Rollback") { Environment = "staging", RunsWhenFailed = "promote-staging", Lifecycle = hooks }]).Message);
        Assert.Contains("a rollback job or a time-budgeted job cannot have lifecycle hooks",
            Refused(EngineErrorCodes.BadJobLifecycle, [new CiJob("Promote") { Environment = "staging", TimeBudget = TimeSpan.FromHours(1), Lifecycle = hooks }], [CiTrigger.Dispatch()]).Message);
        Assert.Contains("only a job that acts on an environment has hooks around traffic",
            RefusedHooks(new CiJob("Test") { Lifecycle = new CiLifecycle { RouteTraffic = [new CiHookStep("Test")] } }).Message);
    }

    [Fact]
    public void Row_5_a_hook_step_whose_target_does_not_exist_is_refused()
    {
        var error = RefusedHooks(new CiJob("Promote") { Environment = "staging", Lifecycle = new CiLifecycle { PreDeploy = [new CiHookStep("Migrat")] } });
        Assert.Contains("the preDeploy step's target 'Migrat' does not exist", error.Message);
    }

    [Fact]
    public void Row_6_a_step_reverting_the_failed_plan_before_any_failure_is_refused()
    {
        var error = RefusedHooks(new CiJob("Promote") { Environment = "staging", Lifecycle = new CiLifecycle { OnSuccess = [new CiHookStep("Rollback") { RevertsFailedPlan = true }] } });
        Assert.Contains("the success step Rollback reverts the failed plan, but runs before any failure", error.Message);
    }

    [Fact]
    public void Row_7_two_steps_of_one_hook_with_the_same_target_are_refused()
    {
        var error = RefusedHooks(new CiJob("Promote") { Environment = "staging", Lifecycle = new CiLifecycle { OnFailure = [new CiHookStep("Rollback"), new CiHookStep("Rollback")] } });
        Assert.Contains("the failure hook runs Rollback twice", error.Message);
    }

    [Fact]
    public void A_scheduled_run_beside_continue_only_work_is_refused()
    {
        var error = Refused(EngineErrorCodes.BadSchedule, [new CiJob("Test")], [CiTrigger.ScheduledRun("23 2 * * *"), CiTrigger.Schedule("17,47 * * * *")]);
        Assert.Contains("pipeline ci: a ScheduledRun trigger runs the jobs as they are", error.Message);
        Assert.Equal(EngineErrorCodes.ScheduleOnTheHour, Refused(EngineErrorCodes.ScheduleOnTheHour, [new CiJob("Test")], [CiTrigger.ScheduledRun("0 2 * * *")]).Code);
    }

    [Fact]
    public void The_same_shapes_written_well_generate()
    {
        var files = CiGenerator.Generate(new Jobs(
        [
            new CiJob("Test") { Matrix = Matrix(("16", "SERVER_VERSION"), ("17", "SERVER_VERSION")) },
            new CiJob("Promote") { Environment = "staging", Lifecycle = new CiLifecycle { OnFailure = [new CiHookStep("Rollback") { RevertsFailedPlan = true }] } },
        ], [CiTrigger.ScheduledRun("23 2 * * *")]), new AbsolutePath(_root.Path));
        Assert.Contains(files, f => f.Path == ".github/workflows/ci.yml" && f.Content.Contains("SERVER_VERSION: ${{ matrix.SERVER_VERSION }}", StringComparison.Ordinal));
    }
}

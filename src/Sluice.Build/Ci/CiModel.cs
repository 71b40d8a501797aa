using System.Linq.Expressions;

namespace Sluice.Build.Ci;

/// <summary>
/// One CI pipeline, written as a GitHub Actions workflow (<c>.github/workflows/NAME.yml</c>) and an Azure Pipelines file
/// (<c>azure-pipelines.yml</c> for the first pipeline, <c>azure-pipelines.NAME.yml</c> for others). A build declares its
/// pipelines by overriding <see cref="SluiceBuild.CiPipelines"/>; <c>./build.sh GenerateCi</c> writes them.
/// </summary>
/// <param name="Name">File name stem and workflow id: <c>ci</c>, <c>release</c>.</param>
public sealed record CiPipeline(string Name)
{
    public string? DisplayName { get; init; }
    public IReadOnlyList<CiTrigger> Triggers { get; init; } = [];
    public IReadOnlyList<CiJob> Jobs { get; init; } = [];

    /// <summary>GitHub runner label and Azure VM image.</summary>
    public string RunsOn { get; init; } = "ubuntu-latest";
    public string AzureVmImage { get; init; } = "ubuntu-latest";

    /// <summary>How long one job may run on GitHub (default 360 min, GitHub-hosted runners); time budgets fit under it.</summary>
    public TimeSpan? GitHubJobLimit { get; init; }

    /// <summary>How long one job may run on Azure (default 60 min: Microsoft-hosted agents of a private project on the
    /// free tier; 360 with paid parallel jobs); time budgets fit under it.</summary>
    public TimeSpan? AzureJobLimit { get; init; }

    /// <summary>Jobs may request an OIDC token for cloud credentials (GitHub <c>id-token: write</c>; on Azure, use a
    /// service connection with workload identity federation).</summary>
    public bool Oidc { get; init; }

    /// <summary>Also callable from other workflows (<c>workflow_call</c>), for teams composing several services; on
    /// Azure the jobs go to a template (<c>azure-pipelines.templates/NAME.template.yml</c>, with the pipeline's
    /// parameters and <c>service</c>) that the generated pipeline and a team's own pipelines include.</summary>
    public bool Reusable { get; init; }
}

public abstract record CiTrigger
{
    public static CiTrigger Push(params string[] branches) => new PushTrigger(branches);
    public static CiTrigger PullRequest(params string[] branches) => new PullRequestTrigger(branches);

    /// <summary>A cron schedule (UTC). A scheduled run never starts a release: it continues, in every environment, only
    /// a plan the journal shows in progress (<c>--continue-only</c>). Pick minutes away from the top of the hour.</summary>
    public static CiTrigger Schedule(string cron, params string[] branches) => new ScheduleTrigger(cron, branches.Length == 0 ? ["main"] : branches);

    /// <summary>A cron schedule (UTC) that runs the pipeline's jobs as a push would: for a pipeline of work that starts
    /// no release (a nightly rehearsal, partial-state expiry, drills). It cannot be combined with <see cref="Schedule"/>
    /// nor with time-budgeted jobs (a scheduled run of those only continues, SLU154). Off the hour, as <see cref="Schedule"/>.</summary>
    public static CiTrigger ScheduledRun(string cron, params string[] branches) => new ScheduledRunTrigger(cron, branches.Length == 0 ? ["main"] : branches);

    /// <summary>A manual run with an <c>env</c> choice built from <c>.nuke/parameters.*.json</c>.</summary>
    public static CiTrigger Dispatch(string defaultEnvironment = EnvironmentProfiles.DefaultEnvironment) => new DispatchTrigger(defaultEnvironment);
}

public sealed record PushTrigger(IReadOnlyList<string> Branches) : CiTrigger;
public sealed record PullRequestTrigger(IReadOnlyList<string> Branches) : CiTrigger;
public sealed record ScheduleTrigger(string Cron, IReadOnlyList<string> Branches) : CiTrigger;
public sealed record DispatchTrigger(string DefaultEnvironment) : CiTrigger;
public sealed record ScheduledRunTrigger(string Cron, IReadOnlyList<string> Branches) : CiTrigger;

/// <summary>
/// A job that runs one target (<c>./build.sh TARGET --skip ...</c>, skipping what earlier jobs ran). Its dependencies
/// among the pipeline's jobs become <c>needs</c>/<c>dependsOn</c>; everything else comes from the target: timeouts,
/// environment, evidence, secrets.
/// </summary>
/// <param name="Target">The target this job runs.</param>
public sealed record CiJob(string Target)
{
    public static CiJob Of<TBuild>(Expression<Func<TBuild, Target>> target) => new(BuildRunner.TargetName(target));

    /// <summary>The environment the job acts on: a name, or <see cref="FromDispatch"/> for the manual run's choice.
    /// Null for jobs that act on no environment.</summary>
    public string? Environment { get; init; }

    /// <summary>The environment chosen when the pipeline was dispatched by hand (the <c>env</c> input).</summary>
    public const string FromDispatch = "$dispatch";

    /// <summary>Job id; default the target in kebab case, plus the environment when it is fixed.</summary>
    public string? Id { get; init; }

    /// <summary>Jobs (by id) to wait for beyond those implied by target dependencies and evidence.</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>Containers started beside the job (a store or a cache its rehearsal or tests talk to), on
    /// <c>localhost</c> through their ports.</summary>
    public IReadOnlyList<CiServiceContainer> Services { get; init; } = [];

    /// <summary>Environment variables of the job's run step, written in name order after the secrets. A variable
    /// named as a secret parameter's (<c>SLUICE_NAME</c>) takes that secret's place: the job gets this value, never
    /// the secret (a job talking to its own service container needs no credentials of an environment).</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>This job, with the parameter <paramref name="parameter"/> (a member name: <c>ApiUrl</c>) set to
    /// <paramref name="value"/> through its environment variable (<see cref="Variables"/>).</summary>
    public CiJob WithParameter(string parameter, string value) =>
        this with { Variables = new Dictionary<string, string>(Variables) { [ParameterNames.EnvironmentVariable(parameter)] = value } };

    /// <summary>This job, with <paramref name="service"/> started beside it (<see cref="Services"/>).</summary>
    public CiJob WithService(CiServiceContainer service) => this with { Services = [.. Services, service] };

    /// <summary>Long work stops after this (<c>--time-budget</c>, cut to fit the platform's job limit, see
    /// <see cref="Ci.CiPlatform"/>) with exit code 4, and the pipeline continues it in a follow-up run of the same
    /// commit and environment (GitHub: the workflow dispatches itself; Azure: the run queues its follow-up). Exit 3
    /// (busy) is retried the same way.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Makes this a rollback job: it runs only when the job with this id failed and the failed run's outputs
    /// name a plan it left to revert (see <see cref="CiJobPlan.RollbackSource"/>); it reverts exactly that plan.</summary>
    public string? RunsWhenFailed { get; init; }

    /// <summary>Where the environment's service answers, shown on the GitHub deployment (<c>environment.url</c>).</summary>
    public string? Url { get; init; }

    /// <summary>Extra arguments for <c>./build.sh</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>For a deployment job: steps before and after its target and on failure, in the environment's job
    /// (Azure's <c>runOnce</c> hooks); null runs the target alone.</summary>
    public CiLifecycle? Lifecycle { get; init; }

    /// <summary>What the job's targets do with the CI platform's own token, as GitHub permissions
    /// (<c>deployments: write</c>, <c>pull-requests: write</c>): GitHub grants them to the job's <c>GITHUB_TOKEN</c> and
    /// passes it to the build steps. Azure's token is not GitHub's: there the targets find no token and stay off.</summary>
    public IReadOnlyDictionary<string, string> TokenPermissions { get; init; } = new Dictionary<string, string>();

    /// <summary>For a job acting on no environment: run it once per cell, each with the cell's variables.</summary>
    public CiMatrix? Matrix { get; init; }
}

using Sluice.Build;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Environments;

namespace Sluice.Targets;

/// <summary>
/// What every Sluice component shares: the command-line contract's common parameters (DESIGN §1), the environment's
/// definition from <c>.nuke/parameters.&lt;env&gt;.json</c>, the run's one <see cref="IEnvironmentSession"/>, and the
/// mapping of Sluice's errors to exit codes. A build implements the components it wants:
/// <c>class Build : SluiceBuild, IProvision, IMigrate</c>.
/// <para>It is the engine's lease hook: before the first target marked <c>.Environment()</c> the engine opens the
/// session and takes the environment's lease through it, once per run, and releases it when the run ends (also on a
/// failure or Ctrl-C). A target body acts through <see cref="Session"/>.</para>
/// </summary>
public interface ISluiceComponent : ISluiceBuild, IExceptionTranslator, IEnvironmentLeaseProvider, IRunTelemetry
{
    [Parameter("Prometheus Pushgateway URL: the run's metrics are pushed there when it ends (OTLP: the OTEL_EXPORTER_OTLP_* variables)")]
    string? Pushgateway => this.Parameter<string>();

    [Parameter("Npgsql connection string; overrides the environment's"), Secret(ReadByEnvironmentTargets = true)]
    string? Database => this.Parameter<string>();

    [Parameter("Where migration plans live (default: pipelines)")]
    string Pipelines => this.Parameter<string>() ?? "pipelines";

    [Parameter("Which service under the pipelines folder (default: the only one there)")]
    string? Service => this.Parameter<string>();

    [Parameter("Release several services as one train (Promote): 'all', or a comma-separated list such as shop,billing")]
    string? Services => this.Parameter<string>();

    [Parameter("How the environment is reached; set as \"environment\" in .nuke/parameters.<env>.json (default: a local cluster)", Name = "Environment")]
    EnvironmentSpec? EnvironmentDefinition => this.Parameter<EnvironmentSpec>();

    /// <summary>How environments are reached: PostgreSQL's provider (local clusters, connection strings). A build
    /// overrides it to register more providers (<c>new PostgresSessionProvider(logger, new TestcontainersEnvironmentProvider())</c>).</summary>
    IEnvironmentSessionProvider SessionProvider => new PostgresSessionProvider(new HostLogger(Host));

    /// <summary>Approvals from a code-review system, for an environment whose <c>gates.approvals_from</c> lists it;
    /// none here. <c>IApproveOnGitHub</c> (package Sluice.GitHub) gives GitHub's pull-request reviews.</summary>
    Func<ServicePlans, Sluice.Gates.IApprovalSource>? CodeReviews => null;

    /// <summary>Where the plans come from: the files under <c>--pipelines</c>.</summary>
    IPlanSource PlanSource => new FilePlanSource();

    /// <summary>The service's plans, loaded and validated once per run (a target's preflight is the first to ask).</summary>
    ServicePlans Plans => Run.Plans;

    /// <summary>What the run's session is opened for (the definition checked against its provider), without opening it.</summary>
    EnvironmentSessionRequest SessionRequest => Run.Request;

    /// <summary>The run's session, opened on first use (provisioning the environment when needed).</summary>
    Task<IEnvironmentSession> SessionAsync(CancellationToken cancellationToken) => Run.OpenAsync(cancellationToken);

    /// <summary>The run's session in a target marked <c>.Environment()</c>: the engine opened it to take the lease.</summary>
    IEnvironmentSession Session => Run.Opened
        ?? throw new InvalidOperationException("the environment session opens with the lease: mark the target .Environment(), or await SessionAsync");

    /// <summary>The services of <c>--services</c> with their plans, loaded and checked once per run.</summary>
    IReadOnlyList<ServicePlans> TrainPlans => Run.TrainPlans;

    /// <summary>The sessions a target marked <c>.Environment()</c> acts through: one per service of <c>--services</c>
    /// (opened with the train lease), else the run's one <see cref="Session"/>.</summary>
    IReadOnlyList<IEnvironmentSession> Sessions => Services is null ? [Session]
        : Run.OpenedTrain?.Sessions ?? throw new InvalidOperationException("the train's sessions open with its lease: mark the target .Environment()");

    private EnvironmentRun Run => RunScoped(() => new EnvironmentRun(this));

    async Task<IAsyncDisposable> IEnvironmentLeaseProvider.AcquireEnvironmentLeaseAsync(string environment, string target, CancellationToken cancellationToken) =>
        Services is null
            ? await (await SessionAsync(cancellationToken)).AcquireLeaseAsync(cancellationToken)
            : await Run.OpenTrainAsync(cancellationToken);

    IAsyncDisposable IRunTelemetry.StartTelemetry(string environment, IReadOnlyDictionary<string, string> environmentVariables) =>
        Telemetry.TelemetryExport.Start(environment, environmentVariables, Pushgateway, Host.Warning);

    BuildException? IExceptionTranslator.Translate(Exception exception) => DomainErrors.Translate(exception, remedy => BuildRemedies.Of(this).Rewrite(remedy));
}

/// <summary>Maps <see cref="SluiceException"/> kinds to the engine's exit codes: usage 2, busy 3, incomplete 4, failure 1.</summary>
public static class DomainErrors
{
    public static BuildException? Translate(Exception exception) => Translate(exception, remedy => remedy);

    /// <param name="remedy">Rewrites the remedy for the build at hand (<see cref="BuildRemedies"/>).</param>
    public static BuildException? Translate(Exception exception, Func<string?, string?> remedy) => exception switch
    {
        SluiceException { Kind: ErrorKind.Usage } e => new UsageException(e.Code, e.Message, remedy(e.Remedy), e.File, e.Line, e),
        SluiceException { Kind: ErrorKind.Busy } e => new EnvironmentBusyException(e.Code, e.Message, remedy(e.Remedy), e),
        SluiceException { Kind: ErrorKind.Incomplete } e => new IncompleteException(e.Code, e.Message, remedy(e.Remedy), e),
        SluiceException e => new BuildException(ExitCode.TargetFailed, e.Code, e.Message, remedy(e.Remedy), e.File, e.Line, e),
        _ => null,
    };
}

using Sluice.Environments;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Targets;

/// <summary>
/// What one build run holds of its environment, shared by every component (<see cref="Build.ISluiceBuild.RunScoped{T}"/>):
/// the plans, read once (the first to ask is a target's preflight); who runs, read once; and the session, opened once
/// (by the engine's lease hook for the first <c>.Environment()</c> target, or by the first target that needs it) and
/// disposed when the run ends.
/// </summary>
internal sealed class EnvironmentRun(ISluiceComponent build) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private ServicePlans? _plans;
    private Task<IEnvironmentSession>? _opening;
    private IReadOnlyList<ServicePlans>? _train;
    private Task<TrainRun>? _trainOpening;

    private RunnerIdentity By { get; } = RunnerIdentity.FromEnvironment(EnvironmentRequest.ProcessVariables());

    public ServicePlans Plans
    {
        get
        {
            lock (_gate) return _plans ??= build.PlanSource.Load(Path.Combine(build.Root, build.Pipelines), build.Service);
        }
    }

    /// <summary>The services of <c>--services</c>, each with its plans, their requirements checked against every service's.</summary>
    public IReadOnlyList<ServicePlans> TrainPlans
    {
        get
        {
            lock (_gate) return _train ??= TrainRun.Select(ServicePlans.LoadAll(Path.Combine(build.Root, build.Pipelines)), build.Services!);
        }
    }

    /// <summary>The train's sessions and leases, opened once (by the engine's lease hook when <c>--services</c> is given).</summary>
    public Task<TrainRun> OpenTrainAsync(CancellationToken cancellationToken)
    {
        var services = TrainPlans;
        lock (_gate) return _trainOpening ??= TrainRun.OpenAsync(build.SessionProvider, Request, services, cancellationToken);
    }

    /// <summary>The train, once opened.</summary>
    public TrainRun? OpenedTrain
    {
        get
        {
            lock (_gate) return _trainOpening is { IsCompletedSuccessfully: true } opened ? opened.Result : null;
        }
    }

    /// <summary>What the session is opened for: the environment's definition is checked against its provider here, an
    /// error naming the key's line in <c>.nuke/parameters.&lt;env&gt;.json</c>.</summary>
    public EnvironmentSessionRequest Request
    {
        get
        {
            var file = EnvironmentCatalog.SpecFile(build.Env);
            var lines = EnvironmentSpecReader.FindLines(Path.Combine(build.Root, file));
            var spec = build.EnvironmentDefinition is { } definition ? EnvironmentSpecReader.Validate(definition, file, lines) : null;
            string? service;
            lock (_gate) service = _plans?.Service;
            service ??= ServicePlans.ServiceName(Path.Combine(build.Root, build.Pipelines), build.Service);
            return new EnvironmentSessionRequest(build.Env, spec, build.Root, build.Database, service, () => Plans, By, build.Redactor(),
                (build as ISnapshot)?.SnapshotFormat, build is ISnapshot, CodeReviews(spec, file, lines?.Of("gates")));
        }
    }

    /// <summary>The build's code reviews when the environment takes approvals from them; a usage error (SLU146, file
    /// and line) when it does and the build has none.</summary>
    private Func<ServicePlans, Gates.IApprovalSource>? CodeReviews(EnvironmentSpec? spec, string file, int? line) =>
        Gates.GateSettings.Read(spec?.Gates, file, line).Origins.Contains(Gates.ApprovalOrigin.GitHub)
            ? build.CodeReviews ?? throw Gates.ApprovalOrigins.Missing(file, line)
            : null;

    public Task<IEnvironmentSession> OpenAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return _opening ??= build.SessionProvider.OpenAsync(Request, cancellationToken);
    }

    /// <summary>The session, once opened.</summary>
    public IEnvironmentSession? Opened
    {
        get
        {
            lock (_gate) return _opening is { IsCompletedSuccessfully: true } opened ? opened.Result : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<TrainRun>? train;
        lock (_gate) train = _trainOpening;
        if (train is { IsCompletedSuccessfully: true }) await train.Result.DisposeAsync();
        Task<IEnvironmentSession>? opening;
        lock (_gate) opening = _opening;
        if (opening is null) return;
        try
        {
            await (await opening).DisposeAsync();
        }
        catch (Exception) when (!opening.IsCompletedSuccessfully)
        {
            // It never opened: its failure was the target's to report.
        }
    }
}

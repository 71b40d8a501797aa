using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Canary.Sources;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Traffic.Metrics;
using Sluice.Traffic.Routing;

namespace Sluice.Targets;

/// <summary>
/// What one build run holds of its canary (<see cref="Build.ISluiceBuild.RunScoped{T}"/>): the definition, read once
/// with the lines of its keys; the router, started once (the local one listens until the run ends, so traffic stays
/// where the canary left it); and the metric sources. Checked before any traffic moves: the definition (SLU185), its
/// <c>requires_phase</c> against the plan (SLU186), its sources against what the environment provides (SLU185) and the
/// router and both versions behind it (SLU175, naming the address).
/// </summary>
internal sealed class CanaryRun(ICanary build) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Task<ITrafficRouter>? _router;

    public string File => EnvironmentCatalog.SpecFile(build.Env);

    /// <summary>The environment's canary, or null when it declares none.</summary>
    public CanaryDefinition? Definition => DefinitionOf(build);

    /// <summary>The canary <paramref name="component"/>'s environment declares, or null.</summary>
    public static CanaryDefinition? DefinitionOf(ISluiceComponent component)
    {
        var file = EnvironmentCatalog.SpecFile(component.Env);
        return component.SessionRequest.Spec is { } spec ? CanaryDefinitionReader.Read(spec, file, EnvironmentSpecReader.FindLines(Path.Combine(component.Root, file))) : null;
    }

    /// <summary>The local router's options from <c>canary.router</c>.</summary>
    public static RouterOptions OptionsOf(LocalRouterSpec spec) => new(new Uri(spec.Baseline), new Uri(spec.Canary), spec.Sticky) { Port = spec.Port };

    /// <summary>The plan the canary sits in: the first of <paramref name="plans"/> with <c>requires_phase</c>, else the last.</summary>
    public static MigrationPlan? PlanOf(CanaryDefinition definition, IReadOnlyList<MigrationPlan> plans) =>
        plans.FirstOrDefault(p => definition.RequiresPhase is { } phase && p.Phases.Any(x => x.Name == phase)) ?? plans.LastOrDefault();

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (Definition is not { } definition) return;
        var lines = EnvironmentSpecReader.FindLines(Path.Combine(build.Root, File));
        if (PlanOf(definition, build.Plans.Plans) is { } plan)
            CanaryDefinitionReader.CheckRequiresPhase(definition, [.. plan.Phases.Select(p => p.Name)], File, lines, plan.Id);
        var router = await RouterAsync(definition, cancellationToken);
        Analyzer(definition, router, null).CheckSources(definition, File);
        await router.CheckReachableAsync(cancellationToken);
    }

    public Task<ITrafficRouter> RouterAsync(CanaryDefinition definition, CancellationToken cancellationToken)
    {
        lock (_gate) return _router ??= build.CanaryRouterAsync(definition, cancellationToken);
    }

    /// <summary>The runner for this run's session: its journal, its database's signals and parity probe.</summary>
    public async Task<CanaryRunner> RunnerAsync(CanaryDefinition definition, IEnvironmentSession session, CancellationToken cancellationToken)
    {
        var router = await RouterAsync(definition, cancellationToken);
        return new CanaryRunner(definition, router, Analyzer(definition, router, session.Canaries), session.Canaries.Journal);
    }

    /// <summary>The sources the environment provides: the local router's own counts, Prometheus where an address is
    /// given, the database (named before the session opens, asked only once it has).</summary>
    private CanaryAnalyzer Analyzer(CanaryDefinition definition, ITrafficRouter router, IEnvironmentCanaries? canaries)
    {
        var sources = new List<IMetricSource>();
        if (router is YarpTrafficRouter yarp) sources.Add(new RouterMetricSource(yarp));
        if (router is RemoteYarpRouter remote) sources.Add(new RouterMetricSource(remote));
        if (definition.Prometheus is { } prometheus) sources.Add(PrometheusMetricSource.For(definition, _http, new Uri(prometheus)));
        sources.Add(canaries?.Database(definition) ?? new NotYetOpen(MetricCatalog.Database, MetricCatalog.Fixed[MetricCatalog.Database]));
        return new CanaryAnalyzer(sources, canaries?.Divergence ?? new NotYetOpenProbe())
        {
            Instruments = canaries?.Telemetry is { } telemetry ? new CanaryInstruments(telemetry, build.Env, build.Plans.Service) : null,
        };
    }

    /// <summary>The local router from <c>canary.router</c>: the router process at <c>admin</c>; else the one
    /// <c>Router --router start</c> left running for the environment (<paramref name="started"/>; one that does not
    /// answer is SLU198); else one Sluice starts in this process in front of the two versions.</summary>
    public static async Task<ITrafficRouter> LocalRouterAsync(CanaryDefinition definition, string file, LocalRouterProcess started, CancellationToken cancellationToken)
    {
        if (definition.Router is not { } spec)
            throw SluiceException.Usage(ErrorCodes.CanaryNoRouter, "the canary has no router: 'canary.router' is missing and the build provides none",
                "give 'router': { \"baseline\": \"http://127.0.0.1:5001\", \"canary\": \"http://127.0.0.1:5002\" }, or override ICanary.CanaryRouterAsync (Kubernetes, Azure)", file);
        if (spec.Admin is { } admin) return new RemoteYarpRouter(new Uri(admin));
        if (await started.FindAsync(cancellationToken) is { } running) return running;
        return await YarpTrafficRouter.StartAsync(OptionsOf(spec), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        Task<ITrafficRouter>? router;
        lock (_gate) router = _router;
        if (router is { IsCompletedSuccessfully: true } && router.Result is IAsyncDisposable started) await started.DisposeAsync();
        if (router is { IsCompletedSuccessfully: true } && router.Result is IDisposable driven) driven.Dispose();
    }

    /// <summary>Stands for a database source in the checks made before the session opens; never asked.</summary>
    private sealed class NotYetOpen(string name, IReadOnlyCollection<string> metrics) : IMetricSource
    {
        public string Name => name;

        public IReadOnlyCollection<string> Metrics => metrics;

        public Task<IReadOnlyList<MetricObservation>> ObserveAsync(MetricWindow window, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the session is not open yet");
    }

    private sealed class NotYetOpenProbe : IDivergenceProbe
    {
        public Task<DivergenceReading> MeasureAsync(DivergenceCheck check, MetricWindow window, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the session is not open yet");
    }
}

/// <summary>The canary's live lines, printed as they come (a <see cref="Progress{T}"/> would post them out of order).</summary>
internal sealed class LinesToHost(Build.IBuildHost host) : IProgress<string>
{
    public void Report(string value) => Build.BuildHostExtensions.Info(host, value);
}

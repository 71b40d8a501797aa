using Sluice.Build;
using Sluice.Canary;
using Sluice.Canary.Definition;
using Sluice.Canary.Reports;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;

namespace Sluice.Targets;

/// <summary>
/// <c>Canary</c> runs the environment's canary alone (<c>environment.canary</c> in <c>.nuke/parameters.&lt;env&gt;.json</c>):
/// traffic to the new version step by step, each step measured against the baseline, a live line per measurement,
/// every measurement journaled. It refuses, before any traffic moves, a version that cannot run on the live schema
/// (SLU188, naming the phase to apply or revert first). A failure puts traffic back on the baseline first and exits 1
/// (SLU187); alone, it reverts no phase (<c>Rollback</c> does; under <c>Promote</c> the plan is rolled back).
/// <c>Promote</c> runs the same canary between <c>requires_phase</c> and the contract when the build has this component.
/// With <c>--canary-stage prepare|route|analyse|finish</c> it runs one stage of the canary, each in a process of its own
/// (CI's deployment hooks): the stages continue the canary under way from the journal, and the router keeps the weights
/// between them (the router process <c>Router --router start</c> left running, or the one <c>canary.router.admin</c>
/// names; Kubernetes and Azure routers keep them themselves). See
/// <see cref="CanaryRunner"/> for what each stage does.
/// </summary>
public interface ICanary : IMigrate, ILocalRouter
{
    [Parameter("Canary: run one stage of the canary (prepare, route, analyse, finish), continuing the one under way from the journal")]
    CanaryStage? CanaryStage => this.Parameter<CanaryStage?>();

    Target Canary => _ => _
        .Description("The canary step alone: traffic steps to the new version, analysis against the baseline, divergence; back to the baseline on failure")
        .Environment()
        .Validates(CheckCanaryInputsAsync)
        .Executes(async ct =>
        {
            var run = CanaryRun;
            if (run.Definition is not { } definition)
            {
                Host.Info($"no canary: '{Env}' declares none ({run.File})");
                return;
            }
            // Between a Promote --until-canary and the Promote after it, the canary belongs to the paused plan.
            var paused = await PausedPlanAsync(definition, ct);
            var context = new CanaryContext(Env, paused?.Id, Session.By.ToString());
            var result = (CanaryResult?)null;
            CanaryRunner? runner = null;
            try
            {
                if (CanaryRun.PlanOf(definition, Session.Plans.Plans) is { } plan)
                {
                    var states = (await Session.Journal.ReadPhasesAsync(plan.Id, ct)).ToDictionary(p => p.Phase, p => p.Status, StringComparer.Ordinal);
                    VersionCompatibility.Require(ServiceVersion.Baseline, definition, plan, states, $"keep v{definition.Versions.Baseline} as the baseline");
                    VersionCompatibility.Require(ServiceVersion.Canary, definition, plan, states, $"route traffic to v{definition.Versions.Canary}");
                }
                runner = await run.RunnerAsync(definition, Session, ct);
                result = CanaryStage is { } stage
                    ? await runner.RunStageAsync(stage, context, new LinesToHost(Host), ct)
                    : await runner.RunAsync(context, new LinesToHost(Host), ct);
                Host.Info(result.Summary);
                if (paused is not null) new PromoteOutputs(paused.Id, "", false, "").WriteTo(Host);
            }
            catch (Exception failure) when (paused is not null)
            {
                // Whatever failed, the release stops here: CI's rollback reverts the phases the new version needed.
                new PromoteOutputs(paused.Id, (failure as SluiceException)?.Code ?? "", false, paused.Id).WriteTo(Host);
                throw;
            }
            finally
            {
                // A stage that leaves the canary under way writes no report yet: the stage that ends it does.
                if (runner?.Id is { } id && result is not { Outcome: CanaryOutcome.Running }) await WriteCanaryReportAsync(id, CancellationToken.None);
            }
        });

    /// <summary>The definition, its phase, its sources and its router, before any traffic moves (exit 2).</summary>
    Task CheckCanaryInputsAsync(CancellationToken cancellationToken) => CanaryRun.CheckAsync(cancellationToken);

    /// <summary>The router the canary moves traffic with: by default the local YARP router from <c>canary.router</c>.
    /// A build overrides it for a production router (Kubernetes Gateway API, Azure App Service slots).</summary>
    Task<ITrafficRouter> CanaryRouterAsync(CanaryDefinition definition, CancellationToken cancellationToken) =>
        Targets.CanaryRun.LocalRouterAsync(definition, Environments.EnvironmentCatalog.SpecFile(Env), LocalRouter, cancellationToken);

    /// <summary>Promote's canary for the pending plans of <paramref name="migration"/>; null when the environment declares
    /// none. Where the release is split over processes it stops before the canary (<paramref name="untilCanary"/>), goes on
    /// past one promoted in stages, or refuses while one is under way or failed (<see cref="CanaryResumption"/>), before
    /// anything moves.</summary>
    async Task<IPhaseBarrier?> CanaryBarrierAsync(MigrationRequest migration, bool untilCanary, CancellationToken cancellationToken)
    {
        if (CanaryRun.Definition is not { } definition)
            return untilCanary ? throw NoCanaryToStopAt(Env, CanaryRun.File) : null;
        var pending = await Session.Releases.PendingAsync(migration, cancellationToken);
        if (CanaryRun.PlanOf(definition, pending) is not { } plan) return null;
        var canaries = Session.Canaries.Journal;
        await canaries.EnsureAsync(cancellationToken);
        var pause = await PlanPause.ReadAsync(Session.Journal, plan.Id, cancellationToken);
        var resumption = CanaryResumption.Decide(Env, plan.Id, untilCanary, pause, await canaries.FindUnderWayAsync(Env, cancellationToken),
            await canaries.FindLatestOfPlanAsync(Env, plan.Id, cancellationToken)).ThrowIfRefused();
        if (resumption.Action != CanaryResumptionAction.Run || pause is not null) Host.Info($"canary: {resumption.Reason}");
        var runner = await CanaryRun.RunnerAsync(definition, Session, cancellationToken);
        return new CanaryBarrier(definition, runner, canaries, Session.Journal, new CanaryContext(Env, plan.Id, Session.By.ToString()),
            new LinesToHost(Host), WriteCanaryReportAsync, resumption);
    }

    /// <summary>SLU194: <c>--until-canary</c> with no canary to stop at.</summary>
    internal static SluiceException NoCanaryToStopAt(string environment, string file) =>
        SluiceException.Usage(ErrorCodes.NoCanaryToStopAt, $"--until-canary: '{environment}' declares no canary to stop at; nothing moved",
            $"declare 'canary' under 'environment' in {file}, or run ./build.sh Promote --env {environment} without --until-canary", file);

    /// <summary>The plan the environment's canary sits in when a Promote stopped before it (<c>--until-canary</c>);
    /// null when none is paused there.</summary>
    private async Task<Sluice.Migrations.Plans.MigrationPlan?> PausedPlanAsync(CanaryDefinition definition, CancellationToken cancellationToken) =>
        CanaryRun.PlanOf(definition, Session.Plans.Plans) is { } plan && await PlanPause.ReadAsync(Session.Journal, plan.Id, cancellationToken) is not null ? plan : null;

    /// <summary>Writes the canary's HTML and Markdown report under <c>.sluice/reports</c> and says where; the
    /// Markdown also goes to the CI step summary.</summary>
    async Task WriteCanaryReportAsync(long id, CancellationToken cancellationToken)
    {
        if ((await Session.Canaries.Journal.ReadAsync(1, cancellationToken)).FirstOrDefault(c => c.Id == id) is not { } canary) return;
        var files = await CanaryReportFiles.WriteAsync(canary, RehearsalPaths.Reports(this), this.Redactor(), cancellationToken);
        Host.Info($"canary report: {string.Join(", ", files.Select(f => Path.GetRelativePath(Root, f)))}");
        Host.AppendSummary(CanaryReportFiles.ToMarkdown(canary));
    }

    private CanaryRun CanaryRun => RunScoped(() => new CanaryRun(this));
}

using System.Globalization;
using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.Errors;
using Sluice.Releases;

namespace Sluice.Targets;

/// <summary>
/// <c>Promote</c> releases the pending plans to <c>--env</c>: gates first (a blocked release touches nothing, exit 1),
/// then, where the snapshot gate applies and the build has <see cref="ISnapshot"/>, a snapshot taken and verified,
/// then every phase under the environment's lease honouring <c>--time-budget</c> (exit 4, run again to continue), each
/// verified (where the build has <see cref="ICanary"/> and the environment declares a canary, it runs between
/// <c>requires_phase</c> and the contract); on a failure it rolls back exactly the plans it touched and reports both (SLU074). With nothing pending it
/// is a no-op that says so. Its step outputs (<see cref="PromoteOutputs"/>) tell a CI rollback job what, if
/// anything, is left to revert; in a build with <see cref="IRehearse"/> it depends on Rehearse (skipped when the evidence is fresh); an incomplete run also writes <c>progress</c> (<see cref="Sluice.Migrations.Status.MigrationStatusReport.Progress"/>); <c>--continue-only</c> only continues a plan in progress; <c>--until-canary</c> stops before the canary (exit 0, the pause journaled, Status shows it) and a later plain Promote continues after a canary promoted in stages, refusing while one is under way (SLU192) or failed (SLU193).
/// </summary>
public interface IPromote : IGate, IRollback
{
    Target Promote => _ => RehearsedFirst(_)
        .Description("Gates, then migrates the pending plans on the environment; rolls back automatically on failure")
        .Environment()
        .Resumable()
        .Validates(CheckReleaseInputsAsync)
        .Validates(ct => this is ICanary canary ? canary.CheckCanaryInputsAsync(ct) : Task.CompletedTask)
        .Executes(async ct =>
        {
            if (Services is not null)
            {
                await TrainPromote.RunAsync(this, ct);
                return;
            }
            if (await ContinueOnlyScope.NarrowAsync(this, Session.Journal, Session.Migration(Migration, TimeBudget), ct) is not { } scoped)
            {
                PromoteOutputs.Of(null, null).WriteTo(Host);
                return;
            }
            var touched = new TouchedPlan(new MigrationProgressToHost(Host));
            try
            {
                PromoteResult result;
                try
                {
                    // Where the environment declares a canary, it runs between requires_phase and the contract.
                    if (UntilCanary && this is not ICanary) throw ICanary.NoCanaryToStopAt(Env, Sluice.Environments.EnvironmentCatalog.SpecFile(Env));
                    var release = Session.Release(scoped) with { Barrier = this is ICanary canary ? await canary.CanaryBarrierAsync(scoped, UntilCanary, ct) : null };
                    await using var workload = await StartWorkloadAsync(ct);
                    try
                    {
                        result = await Session.Releases.PromoteAsync(release, touched, PrintGates, Host.Info, ct);
                    }
                    finally
                    {
                        if (workload is not null)
                        {
                            await workload.DisposeAsync();
                            Host.Info(workload.Figures.Describe());
                        }
                    }
                }
                catch (GatesBlockedException blocked)
                {
                    PrintGates(blocked.Report);
                    throw;
                }
                Host.Info(result.Summary);
                if (result.Outcome == Sluice.Releases.PromoteOutcome.Paused)
                    Host.Info($"where the release stands: ./build.sh Status --env {Env} (paused at the canary)");
                ReportsWhere();
                result.Run?.ThrowIfIncomplete();
                PromoteOutputs.Of(null, touched.PlanId).WriteTo(Host);
            }
            catch (Exception failure)
            {
                // The CI jobs after this one decide from these whether anything is left to roll back.
                PromoteOutputs.Of(failure, touched.PlanId).WriteTo(Host);
                // A continuation compares this with the previous run's figure, to stop one that got nothing done.
                if (failure is SluiceException { Kind: ErrorKind.Incomplete })
                    Host.SetOutput(CiOutputs.Progress, (await Session.Migrations.StatusAsync(scoped, ct)).Progress.ToString(CultureInfo.InvariantCulture));
                throw;
            }
        });

    /// <summary>CI's split release (<see cref="Sluice.Canary.Running.CanaryResumption"/>): the phases up to the canary
    /// in one process, the canary in stages in others, then a plain Promote continues past it.</summary>
    [Parameter("Promote: run the phases up to the canary (requires_phase) and stop before it; Canary --canary-stage runs it, a plain Promote continues after it")]
    bool UntilCanary => this.Parameter<bool>();

    [Parameter("Promote: statements a second of a concurrent workload on the environment's tables while it runs (reads and writes that change no value; databases on this machine only; 1-200)")]
    int? PromoteWorkloadRate => this.Parameter<int?>();

    /// <summary>The longest a concurrent workload runs, however long the release takes.</summary>
    private static TimeSpan WorkloadLimit => TimeSpan.FromMinutes(30);

    /// <summary>The concurrent workload <c>--promote-workload-rate</c> asks for, started; null without one.</summary>
    private async Task<Sluice.Environments.IRunningWorkload?> StartWorkloadAsync(CancellationToken cancellationToken)
    {
        if (PromoteWorkloadRate is not { } rate || Session.Workload is not { } workload) return null;
        var running = await workload.StartAsync(rate, WorkloadLimit, cancellationToken);
        Host.Info($"a concurrent workload plays up to {rate} statements a second on {Env}'s tables while the release runs");
        return running;
    }

    /// <summary>Where a reader finds what this release is based on: the environment's rehearsal reports and snapshots.</summary>
    private void ReportsWhere()
    {
        var folder = RehearsalPaths.Reports(this);
        var rehearsals = Directory.Exists(folder) ? Directory.GetFiles(folder, $"rehearsal-*-{Env}.html").Order(StringComparer.Ordinal).ToList() : [];
        if (rehearsals.Count > 0) Host.Info($"rehearsal report: {string.Join(", ", rehearsals.Select(f => Path.GetRelativePath(Root, f)))}");
        Host.Info($"snapshots: {Path.GetRelativePath(Root, Sluice.Snapshots.SnapshotIds.DefaultFolder(Root, Env))}; where every plan stands: ./build.sh Status --env {Env}");
    }

    /// <summary>On a protected environment, where the rehearsal gate blocks without evidence, and in a build that
    /// rehearses, Promote depends on Rehearse, which skips itself when the journal already holds fresh evidence for the
    /// pending plans' hashes: missing evidence is produced instead of failing the gate. Elsewhere (local, the quick one)
    /// the gate only warns, and Promote does not wait for a rehearsal. Decided from the bound <c>--env</c>'s definition.</summary>
    private ITargetDefinition RehearsedFirst(ITargetDefinition definition) =>
        this is IRehearse && EnvironmentDefinition?.Protected == true ? definition.DependsOn<IRehearse>(x => x.Rehearse) : definition;
}

using Sluice.Environments;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Status;

namespace Sluice.Migrations.Running;

/// <summary>
/// The plain async API behind the Migrate and Status targets: loads and validates every plan first (usage errors
/// leave the database untouched), then acts through <paramref name="providers"/>.
/// </summary>
public sealed class MigrationService(MigrationProviders providers, TimeProvider? timeProvider = null)
{
    /// <summary>Runs the pending phases. Returns Incomplete (see <see cref="MigrationRunResult.ThrowIfIncomplete"/>)
    /// when the time budget ran out; throws <see cref="Errors.SluiceException"/> for usage, busy and failure.</summary>
    /// <param name="heldLease">The environment's lease when the caller already holds it; null to take it for the run.</param>
    public Task<MigrationRunResult> MigrateAsync(MigrationRequest request, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken,
        MigrationRunnerOptions? options = null, Leases.IEnvironmentLease? heldLease = null)
    {
        var plans = ServicePlans.Load(request.PipelinesFolder, request.Service).Select(request.MigrationId);
        var runner = new MigrationRunner(providers,
            (options ?? new MigrationRunnerOptions(request.Environment)) with { Environment = request.Environment, TimeBudget = request.TimeBudget },
            timeProvider);
        return runner.RunAsync(plans, request.By ?? RunnerIdentity.FromEnvironment(EnvironmentRequest.ProcessVariables()), progress, cancellationToken, heldLease);
    }

    /// <summary>
    /// Rolls back one plan: <c>--migration ID</c>, or else the latest plan with anything applied (the last partial or
    /// failed transition, or the last completed one). Its applied phases are reverted latest first.
    /// </summary>
    public async Task<MigrationRunResult> RollbackAsync(MigrationRequest request, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken,
        MigrationRunnerOptions? options = null, Leases.IEnvironmentLease? heldLease = null)
    {
        var plans = ServicePlans.Load(request.PipelinesFolder, request.Service).Select(request.MigrationId);
        await providers.Journal.EnsureAsync(cancellationToken);
        MigrationPlan? target = null;
        foreach (var plan in plans.Reverse())
        {
            var phases = await providers.Journal.ReadPhasesAsync(plan.Id, cancellationToken);
            if (phases.Any(p => p.Status is JournalStatus.Done or JournalStatus.Started or JournalStatus.Failed)) { target = plan; break; }
        }
        if (target is null) return new MigrationRunResult(MigrationOutcome.Completed, [], "nothing to roll back: no plan has an applied phase");
        var runner = new MigrationRunner(providers, (options ?? new MigrationRunnerOptions(request.Environment)) with { Environment = request.Environment }, timeProvider);
        return await runner.RollbackAsync(target, request.By ?? RunnerIdentity.FromEnvironment(EnvironmentRequest.ProcessVariables()), progress, cancellationToken, heldLease);
    }

    /// <summary>Where every plan of the service stands on the environment, and who holds its lease.</summary>
    public Task<MigrationStatusReport> StatusAsync(MigrationRequest request, CancellationToken cancellationToken)
    {
        var plans = ServicePlans.Load(request.PipelinesFolder, request.Service).Select(request.MigrationId);
        return new MigrationStatusReader(providers).ReadAsync(request.Environment, plans, cancellationToken);
    }
}

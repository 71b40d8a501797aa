using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Status;

namespace Sluice.Migrations.Running;

/// <summary>
/// The plain async API behind the Migrate and Status targets: takes the request's plans (loaded and validated before
/// anything touches the database), then acts through <paramref name="providers"/>, whose lease provider the runner
/// asks for the environment's lease (a <see cref="Leases.HeldLeaseProvider"/> hands back one already held).
/// </summary>
public sealed class MigrationService(MigrationProviders providers, TimeProvider? timeProvider = null)
{
    /// <summary>Runs the pending phases. Returns Incomplete (see <see cref="MigrationRunResult.ThrowIfIncomplete"/>)
    /// when the time budget ran out; throws <see cref="Errors.SluiceException"/> for usage, busy and failure.</summary>
    public Task<MigrationRunResult> MigrateAsync(MigrationRequest request, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken) =>
        MigrateAsync(request, progress, null, cancellationToken);

    /// <param name="options">Backoff and seed of the lock-timeout retries; null for the defaults.</param>
    public Task<MigrationRunResult> MigrateAsync(MigrationRequest request, IProgress<MigrationProgress>? progress, MigrationRunnerOptions? options,
        CancellationToken cancellationToken)
    {
        var plans = request.PlansToRun();
        var runner = new MigrationRunner(providers,
            (options ?? new MigrationRunnerOptions(request.Environment)) with { Environment = request.Environment, TimeBudget = request.TimeBudget },
            timeProvider);
        return runner.RunAsync(plans, request.By, progress, cancellationToken);
    }

    /// <summary>
    /// Rolls back one plan: <c>--migration ID</c>, or else the latest plan with anything applied (the last partial or
    /// failed transition, or the last completed one). Its applied phases are reverted latest first. A plan whose last
    /// rollback stopped between its downs and its verification still counts as one to roll back: it is verified then.
    /// </summary>
    public async Task<MigrationRunResult> RollbackAsync(MigrationRequest request, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        var plans = request.PlansToRun();
        await providers.Journal.EnsureAsync(cancellationToken);
        MigrationPlan? target = null;
        foreach (var plan in plans.Reverse())
        {
            var phases = await providers.Journal.ReadPhasesAsync(plan.Id, cancellationToken);
            if (phases.Any(p => p.Status is JournalStatus.Done or JournalStatus.Started or JournalStatus.Failed)
                || providers.Baselines is not null && await UnfinishedRollback.FindAsync(providers.Journal, plan.Id, cancellationToken) is not null)
            {
                target = plan;
                break;
            }
        }
        if (target is null) return new MigrationRunResult(MigrationOutcome.Completed, [], "nothing to roll back: no plan has an applied phase");
        var runner = new MigrationRunner(providers, new MigrationRunnerOptions(request.Environment), timeProvider);
        return await runner.RollbackAsync(target, request.By, progress, cancellationToken);
    }

    /// <summary>Where every plan of the service stands on the environment, and who holds its lease.</summary>
    public Task<MigrationStatusReport> StatusAsync(MigrationRequest request, CancellationToken cancellationToken)
    {
        var plans = request.PlansToRun();
        return new MigrationStatusReader(providers).ReadAsync(request.Environment, plans, cancellationToken);
    }
}

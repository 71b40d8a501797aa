using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>
/// The plan a continue-only run (a scheduled CI run) may continue: the first plan of the request the journal shows
/// started and not finished (a checkpointed backfill, an interrupted phase). A plan merely pending is not in progress,
/// so a schedule never starts a release nobody asked for.
/// </summary>
public static class PlansInProgress
{
    public static async Task<MigrationPlan?> FirstAsync(IMigrationJournal journal, MigrationRequest request, CancellationToken cancellationToken)
    {
        var plans = ServicePlans.Load(request.PipelinesFolder, request.Service).Select(request.MigrationId);
        await journal.EnsureAsync(cancellationToken);
        foreach (var plan in plans)
            if ((await journal.FindPlanAsync(plan.Id, cancellationToken))?.Status == JournalStatus.Started) return plan;
        return null;
    }
}

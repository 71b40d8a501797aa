using Sluice.Build;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;

namespace Sluice.Targets;

/// <summary>
/// What <c>--continue-only</c> leaves of a Migrate or Promote request: the one plan the journal shows in progress, or
/// nothing (the run then ends successfully saying so). A scheduled CI run passes it, so a schedule continues a
/// release someone started and never starts one.
/// </summary>
public static class ContinueOnlyScope
{
    /// <returns>The request narrowed to the plan in progress; null when nothing is in progress (already reported).</returns>
    public static async Task<MigrationRequest?> NarrowAsync(IMigrate build, IMigrationJournal journal, MigrationRequest request, CancellationToken ct)
    {
        if (!build.ContinueOnly) return request;
        if (await PlansInProgress.FirstAsync(journal, request, ct) is { } plan)
        {
            build.Host.Info($"continuing plan {plan.Id}, in progress on '{request.Environment}'");
            return request with { MigrationId = plan.Id };
        }
        build.Host.Info($"nothing in progress on '{request.Environment}' (--continue-only): nothing to continue");
        return null;
    }
}

using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Migrations.Invariants;

/// <summary>
/// The data-integrity gate of a migration run: the service's invariants (<see cref="ServiceInvariant"/>), evaluated
/// before a plan's first phase and after each phase it applies. Every evaluation is journaled. The rules:
/// <list type="number">
/// <item>SQL the database refuses (a missing table, a syntax error) counts as a value other than <c>expect</c>: rules
/// 2 and 4 apply with the database's reason as the value;</item>
/// <item>before the first phase, a value other than <c>expect</c> → SLU237: the release is blocked, nothing applied;</item>
/// <item>before the first phase, a <c>stable</c> invariant whose value differs from the one the last successful release
/// of the environment left (the latest passing check of the plan that completed last) → SLU241: something other than a
/// release changed it since; the release is blocked, nothing applied;</item>
/// <item>before the first phase, otherwise → the value is journaled as the release's starting point;</item>
/// <item>after a phase, a value other than <c>expect</c> → SLU237: the phase broke it, the run fails and is rolled back;</item>
/// <item>after a phase, a <c>stable</c> invariant whose value differs from its starting point → SLU237, drifted: rolled back;</item>
/// <item>otherwise → passed.</item>
/// </list>
/// The invariants are read from the <c>sluice.yaml</c> two folders above each plan (<c>pipelines/&lt;service&gt;/migrations/&lt;id&gt;</c>).
/// </summary>
public sealed class InvariantChecks(IInvariantStore store) : IPhaseChecks
{
    public async Task BeforePlanAsync(MigrationPlan plan, CancellationToken cancellationToken)
    {
        foreach (var invariant in Of(plan))
        {
            var (value, refused) = await EvaluateAsync(invariant, cancellationToken);
            var broken = refused is not null || (invariant.Expect is { } expect && value != expect);
            var detail = refused is not null ? $"could not run: {refused}" : broken ? $"returned {value}, expected {invariant.Expect}" : $"returned {value}";
            var released = !broken && invariant.Stable && await store.LastReleaseValueAsync(plan.Id, invariant.Name, cancellationToken) is { } last && last.Value != value
                ? last : null;
            if (released is not null) detail = $"drifted from {released.Value}, left by the last release ({released.PlanId}, {released.At:u}), to {value}";
            await store.RecordAsync(new InvariantCheck(plan.Id, Before, invariant.Name, value, !broken && released is null, detail), cancellationToken);
            if (broken)
                throw Broken(invariant, $"invariant '{invariant.Name}' fails before the first phase of '{plan.Id}': {detail}; the release is blocked, nothing was applied",
                    "fix the data (or the invariant) first: the plan must start from a consistent state");
            if (released is not null)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.InvariantDriftedSinceRelease,
                    $"invariant '{invariant.Name}' {detail} before the first phase of '{plan.Id}'; the release is blocked, nothing was applied",
                    $"find what changed '{invariant.Name}' outside a release (SELECT * FROM sluice.invariant_checks WHERE invariant = '{invariant.Name}' ORDER BY id) and restore it, or drop 'stable' from it in sluice.yaml if it is meant to change between releases",
                    invariant.File, invariant.Line);
        }
    }

    public async Task AfterPhaseAsync(MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken)
    {
        foreach (var invariant in Of(plan))
        {
            var (value, refused) = await EvaluateAsync(invariant, cancellationToken);
            var problem = refused is not null ? $"could not run: {refused}"
                : invariant.Expect is { } expect && value != expect ? $"returned {value}, expected {expect}"
                : invariant.Stable && await store.BeforeValueAsync(plan.Id, invariant.Name, cancellationToken) is { } before && before != value
                    ? $"drifted from {before} before the first phase to {value}"
                : null;
            await store.RecordAsync(new InvariantCheck(plan.Id, $"after {phase.Name}", invariant.Name, value, problem is null, problem ?? $"returned {value}"), cancellationToken);
            if (problem is not null)
                throw Broken(invariant, $"invariant '{invariant.Name}' broke after phase '{phase.Name}' of '{plan.Id}': {problem}",
                    $"the phase changed what '{invariant.Name}' asserts: fix the phase in a new plan (the run rolls back what it applied)");
        }
    }

    private const string Before = "before";

    /// <returns>The value, or the database's reason for refusing the SQL (rule 1).</returns>
    private async Task<(string Value, string? Refused)> EvaluateAsync(ServiceInvariant invariant, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.EvaluateAsync(invariant.Sql, cancellationToken), null);
        }
        catch (InvariantQueryFailedException e)
        {
            return ("error", e.Message);
        }
    }

    private static IReadOnlyList<ServiceInvariant> Of(MigrationPlan plan) =>
        ServiceInvariant.Load(Path.GetFullPath(Path.Combine(plan.Folder, "..", "..")));

    private static SluiceException Broken(ServiceInvariant invariant, string message, string remedy) =>
        new(ErrorKind.Failure, ErrorCodes.InvariantBroken, message, remedy, invariant.File, invariant.Line);
}

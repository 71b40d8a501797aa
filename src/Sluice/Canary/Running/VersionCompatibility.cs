using Sluice.Canary.Definition;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Canary.Running;

/// <summary>What the check found: whether the version runs on the schema the phases' states describe, and if not,
/// the phase to apply or revert first.</summary>
public sealed record VersionSupport(ServiceVersion Version, bool Runs, int Rule, string Reason, string? Phase = null);

/// <summary>
/// Which service versions a plan's phase state supports, from the canary's <c>requires_phase</c> and the plan's
/// contract. The new version needs <c>requires_phase</c> done; the old one reads the shape the contract removes, so
/// it runs only while that contract has not touched the schema. The contract that matters is the plan's first
/// contract phase after <c>requires_phase</c> (the first contract, with no <c>requires_phase</c>); a contract that
/// started or failed counts as applied, since part of it may have committed. The first row that matches decides:
/// <list type="number">
/// <item>baseline, that contract done, started or failed: <b>cannot run</b>, revert the contract first;</item>
/// <item>baseline otherwise: runs;</item>
/// <item>canary, <c>requires_phase</c> not done: <b>cannot run</b>, apply it first;</item>
/// <item>canary otherwise: runs.</item>
/// </list>
/// Routing to, or deploying, a version that cannot run is refused with SLU188 before anything moves.
/// </summary>
public static class VersionCompatibility
{
    /// <param name="states">Each phase's journal state; a phase missing from it is pending.</param>
    public static VersionSupport Check(ServiceVersion version, CanaryDefinition definition, MigrationPlan plan,
        IReadOnlyDictionary<string, JournalStatus> states)
    {
        JournalStatus State(string phase) => states.TryGetValue(phase, out var s) ? s : JournalStatus.Pending;
        var label = $"v{definition.Versions.Of(version)}";
        if (version == ServiceVersion.Baseline)
        {
            return Contract(definition, plan) is { } contract && State(contract.Name) is JournalStatus.Done or JournalStatus.Started or JournalStatus.Failed
                ? new(version, false, 1, $"the baseline {label} reads what contract phase '{contract.Name}' of plan {plan.Id} removed ({Word(State(contract.Name))})", contract.Name)
                : new(version, true, 2, $"the baseline {label} runs: plan {plan.Id} has not contracted");
        }
        return definition.RequiresPhase is { } needed && State(needed) != JournalStatus.Done
            ? new(version, false, 3, $"the canary {label} needs phase '{needed}' of plan {plan.Id}, which is {Word(State(needed))}", needed)
            : new(version, true, 4, $"the canary {label} runs: {(definition.RequiresPhase is { } p ? $"phase '{p}' is done" : "it needs no phase")}");
    }

    /// <summary>Throws SLU188 when <paramref name="version"/> cannot run, naming the phase to apply or revert first.</summary>
    public static void Require(ServiceVersion version, CanaryDefinition definition, MigrationPlan plan, IReadOnlyDictionary<string, JournalStatus> states,
        string what)
    {
        var support = Check(version, definition, plan, states);
        if (support.Runs) return;
        var remedy = support.Rule == 1
            ? $"revert phase '{support.Phase}' first (./build.sh Rollback --migration {plan.Id}), or keep traffic on the new version"
            : $"apply phase '{support.Phase}' first (./build.sh Migrate), then {what}";
        throw new SluiceException(ErrorKind.Usage, ErrorCodes.VersionCannotRun, $"refusing to {what}: {support.Reason}", remedy, plan.PlanFile);
    }

    /// <summary>The contract phase whose schema the baseline cannot run on.</summary>
    public static MigrationPhase? Contract(CanaryDefinition definition, MigrationPlan plan)
    {
        var from = definition.RequiresPhase is { } needed ? plan.Phases.ToList().FindIndex(p => p.Name == needed) : -1;
        return plan.Phases.Skip(from + 1).FirstOrDefault(p => p.Kind == PhaseKind.Contract);
    }

    private static string Word(JournalStatus status) => status.ToString().ToLowerInvariant();
}

namespace Sluice.Drills;

/// <summary>
/// One disaster a drill practises on a copy of an environment (never the environment itself): it prepares both copies
/// (the working one and the reference that holds the expected state), injects its fault into the working copy and runs
/// the documented recovery there. The <see cref="DrillRunner"/> owns the clock, the service's health and the fingerprint
/// comparison, so a scenario says only what goes wrong and what puts it right.
/// <para>A scenario that needs more than a database (a <c>lost-replica</c> or <c>unreachable-primary</c> drill needs a
/// standby) says so in <see cref="Needs"/>; the copies refuse it (SLU318) where the environment cannot offer it.</para>
/// </summary>
public interface IDrillScenario
{
    /// <summary>The name <c>--scenario</c> takes, e.g. <c>corrupted-table</c>.</summary>
    string Name { get; }

    /// <summary>What goes wrong, in one sentence (the Runbook's failure mode).</summary>
    string Fault { get; }

    /// <summary>The documented recovery, in one sentence (the Runbook's revert path).</summary>
    string Recovery { get; }

    /// <summary>What the copies must offer for this scenario.</summary>
    DrillNeeds Needs { get; }

    /// <summary>Brings both copies to the state just before the fault and the reference to the state a good recovery
    /// reaches; returns what it did (for the evidence), or null when nothing was needed.</summary>
    Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken);

    /// <summary>Breaks the working copy; returns what broke.</summary>
    Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken);

    /// <summary>Runs the documented recovery on the working copy; returns what it did.</summary>
    Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken);
}

/// <summary>What a scenario needs of the copies.</summary>
[Flags]
public enum DrillNeeds
{
    None = 0,

    /// <summary>A verified snapshot of the environment to recover from.</summary>
    VerifiedSnapshot = 1,

    /// <summary>A plan of the service with a backfill phase.</summary>
    BackfillPlan = 2,

    /// <summary>A plan of the service with a contract phase.</summary>
    ContractPlan = 4,

    /// <summary>A streaming standby of the working copy (<see cref="IDrillCopy.Standby"/>), offered where the environment has a replica.</summary>
    Replica = 8,
}

/// <summary>What a scenario acts on: the two copies and the service's plans.</summary>
/// <param name="Working">The copy the fault and the recovery happen in.</param>
/// <param name="Reference">The copy that holds the expected state; the data lost is its difference from the working copy.</param>
/// <param name="Plans">The service's plans, newest last.</param>
public sealed record DrillSetting(IDrillCopy Working, IDrillCopy Reference, IReadOnlyList<Migrations.Plans.MigrationPlan> Plans);

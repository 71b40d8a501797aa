using Sluice.Errors;
using Sluice.Migrations.Leases;

namespace Sluice.Migrations.Running;

/// <summary>How a run ended: everything done, stopped by the time budget after a checkpoint, or stopped on purpose
/// by a barrier (<see cref="IPhaseBarrier.StopBeforeAsync"/>).</summary>
public enum MigrationOutcome
{
    Completed,
    Incomplete,
    Paused,
}

/// <summary>What happened to one phase in this run.</summary>
public enum PhaseOutcome
{
    Applied,
    AlreadyDone,
    Incomplete,
    Reverted,
}

public sealed record PhaseRunResult(string PlanId, string Phase, PhaseOutcome Outcome, int Attempts, TimeSpan Duration);

/// <summary>The result of <see cref="MigrationRunner.RunAsync"/>.</summary>
public sealed record MigrationRunResult(MigrationOutcome Outcome, IReadOnlyList<PhaseRunResult> Phases, string Summary)
{
    /// <summary>Maps an incomplete run to the Incomplete error (exit 4) the engine understands.</summary>
    public MigrationRunResult ThrowIfIncomplete()
    {
        if (Outcome == MigrationOutcome.Incomplete)
            throw new SluiceException(ErrorKind.Incomplete, ErrorCodes.Incomplete, Summary,
                "run the same command again: it continues from the checkpoint");
        return this;
    }
}

namespace Sluice.Postgres.Tests.Migrations.Crashes;

/// <summary>
/// Where a crash test SIGKILLs the runner: after the <paramref name="Occurrence"/>-th output line of the crash host that
/// starts with <paramref name="Hook"/> (a named point it reports: a phase started, a statement about to be sent, a batch
/// committed, a phase reverted), plus <paramref name="Delay"/>.
/// </summary>
/// <param name="Kind">What kind of step the kill lands in, for the tally (expand, backfill inside a batch, rollback of a contract, ...).</param>
/// <param name="HoldSnapshot">Hold a transaction with a snapshot and a lock on the table while the host runs, so a
/// concurrent index build or drop waits half done (its index INVALID) when the kill lands.</param>
/// <param name="Halt">Where the host stops to wait for the kill, so a fast host cannot run past it.</param>
/// <param name="PauseAtRow">Instead of a hook line: the row-write trigger pauses the batch that writes the run's row
/// number so-many, and the kill lands while that batch waits open (<see cref="CrashDatabase.PauseAtWriteAsync"/>).</param>
internal sealed record KillPoint(string Kind, string Hook, int Occurrence, TimeSpan Delay, bool HoldSnapshot = false, KillHalt Halt = KillHalt.AtPoint,
    int? PauseAtRow = null)
{
    public bool Matches(string line) => line.StartsWith(Hook, StringComparison.Ordinal);

    public override string ToString() => $"{Kind}: '{Hook}' #{Occurrence} +{Delay.TotalMilliseconds:F0} ms";
}

/// <summary>Where the crash host halts for a kill (its <c>--halt-at</c>, <c>--halt-on-next</c>).</summary>
internal enum KillHalt
{
    /// <summary>At the hook line itself: the kill lands exactly there.</summary>
    AtPoint,

    /// <summary>At the next line it prints after the hook: a kill meant a moment into the step lands inside it or at its end, never later.</summary>
    AtNextPoint,

    /// <summary>Not at all: inside a backfill the batches after the hook take far longer than the kill's delay (or the batch
    /// is paused by the database), and halting at the next batch report would always land the kill between two batches.</summary>
    Never,
}

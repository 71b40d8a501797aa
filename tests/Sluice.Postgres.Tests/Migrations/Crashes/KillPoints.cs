using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Postgres.Tests.Migrations.Crashes;

/// <summary>
/// The named points of a plan where a crash test can kill the runner, in the order a run reaches them, grouped by the
/// kind of step they interrupt: every statement of every up and down, each phase's start, end and verify, backfill
/// batches (right after a commit, and half way through the next batch), each phase's revert, the rollback's
/// verification.
/// </summary>
internal sealed record KillPoints(IReadOnlyList<KillGroup> Forward, IReadOnlyList<KillGroup> Rollback)
{
    /// <param name="batchesToPickFrom">The batch reports a backfill kill may follow (1..this): small enough that two kills
    /// in one backfill are both reached.</param>
    /// <param name="batchSize">The backfill's fixed batch size: a kill inside a batch pauses it half way through.</param>
    public static KillPoints Of(MigrationPlan plan, int batchesToPickFrom, int batchSize)
    {
        var forward = new List<KillGroup>();
        var rollback = new List<KillGroup>();
        foreach (var phase in plan.Phases)
        {
            var at = $"{plan.Id}/{phase.Name}: ";
            switch (phase)
            {
                case BackfillPhase:
                    var batches = Enumerable.Range(1, batchesToPickFrom).ToList();
                    forward.Add(new KillGroup("backfill between batches", [.. batches.Select(n => new KillSeat($"Backfill {at}", n, Mid: false))]));
                    forward.Add(new KillGroup("backfill inside a batch", [.. batches.Select(n => new KillSeat($"Backfill {at}", n, Mid: true, PauseAtRow: n * batchSize + batchSize / 2))]));
                    rollback.Add(new KillGroup("rollback of backfill", [new KillSeat($"PhaseReverted {at}", 1, Mid: false)]));
                    break;
                case ScriptPhase script:
                    var kind = KindOf(phase);
                    List<KillSeat> up = [new($"PhaseStarted {at}", 1, Mid: true), .. Statements(phase, script.Up), new($"PhaseDone {at}", 1, Mid: false)];
                    if (phase.Verify is not null) up.Add(new KillSeat($"Verified {at}", 1, Mid: false));
                    forward.Add(new KillGroup(kind, up));
                    if (phase.Down is { } down)
                        rollback.Add(new KillGroup($"rollback of {kind}",
                            [.. Statements(phase, down), new($"PhaseReverted {at}", 1, Mid: false)]));
                    break;
            }
        }
        rollback.Reverse();
        // Every down has run and the plan is journaled reverted; the schema and data are compared with their baselines next.
        rollback.Add(new KillGroup("rollback verification", [new KillSeat($"PlanReverted {plan.Id}: ", 1, Mid: false)]));
        return new KillPoints(forward, rollback);
    }

    private static string KindOf(MigrationPhase phase) => phase.Kind.ToString().ToLowerInvariant() + (phase.Transactional ? "" : " (non-transactional)");

    private static IEnumerable<KillSeat> Statements(MigrationPhase phase, PlanScript script) =>
        SqlStatements.Parse(script.Sql).Select(s => new KillSeat($"Statement {phase.Name} {script.FileName}:{s.Line}", 1, Mid: true,
            Concurrent: s.Code.Contains("CONCURRENTLY", StringComparison.OrdinalIgnoreCase)));
}

/// <summary>The kill points of one kind of step, in the order a run reaches them.</summary>
internal sealed record KillGroup(string Kind, IReadOnlyList<KillSeat> Seats)
{
    /// <summary>The seat for the <paramref name="round"/>-th use of this group, through a seeded shuffle (so every seat is used
    /// once before any twice), with a seeded delay when the kill is meant to land inside the step (a backfill batch is
    /// paused instead: its own short span leaves no delay that surely lands in it).</summary>
    public KillPoint Pick(int round, Random random, IReadOnlyList<int> order)
    {
        var seat = Seats[order[round % Seats.Count]];
        if (seat.PauseAtRow is { } row) return new KillPoint(Kind, seat.Hook, seat.Occurrence, TimeSpan.Zero, Halt: KillHalt.Never, PauseAtRow: row);
        // Concurrent index work waits on the held snapshot: 100 ms in, it is surely waiting, its index INVALID.
        var delay = seat.Concurrent ? TimeSpan.FromMilliseconds(100) : seat.Mid ? TimeSpan.FromMilliseconds(random.Next(1, 9)) : TimeSpan.Zero;
        var halt = delay > TimeSpan.Zero ? KillHalt.AtNextPoint : KillHalt.AtPoint;
        return new KillPoint(Kind, seat.Hook, seat.Occurrence, delay, HoldSnapshot: seat.Concurrent, halt);
    }

    public IReadOnlyList<int> Shuffled(Random random)
    {
        var order = Enumerable.Range(0, Seats.Count).ToArray();
        random.Shuffle(order);
        return order;
    }
}

/// <param name="Mid">The kill is meant to land inside the step that follows the hook (a seeded delay), not right at it.</param>
/// <param name="Concurrent">The statement builds or drops an index concurrently.</param>
/// <param name="PauseAtRow">The kill is meant to land inside a backfill batch: the one that writes this run's row
/// number so-many (half way through the batch after the hook's) is paused there, and killed while it waits.</param>
internal sealed record KillSeat(string Hook, int Occurrence, bool Mid, bool Concurrent = false, int? PauseAtRow = null);

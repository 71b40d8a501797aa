using Sluice.Lint;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Predictions;
using Sluice.Rehearsal.Runs;
using Sluice.Rehearsal.Slo;

namespace Sluice.Postgres.Rehearsal;

/// <summary>A batch the rehearsal's backfill ran, with the longest wait of a writer behind it (null: none waited).</summary>
internal sealed record BatchRun(int Rows, TimeSpan Duration, TimeSpan? WriterWait);

/// <summary>
/// What the rehearsal saw of one phase that its plan's <c>slo:</c> is judged on (<see cref="RehearsalSloJudge"/>),
/// turned into the judge's evidence at production size: the statements and their locks (a script), the batches (a
/// backfill, the first at <c>min_batch_size</c> as the probe of its fixed cost), the workload's longest wait, and the
/// writers' latencies before and beside a backfill (null when not measured).
/// </summary>
internal sealed record PhaseSloReadings(
    IReadOnlyList<StatementRun> Statements, IReadOnlySet<string> Created, TimeSpan LongestWorkloadWait, IReadOnlyList<BatchRun> Batches, WriterLatencies? Writers)
{
    /// <summary>Each bound the plan states that applies to the phase, judged: the key, its unit, the bound and the verdict.</summary>
    public IReadOnlyList<(string Slo, string Unit, double Bound, SloJudgement Judgement)> Judge(
        PlanSlo slo, MigrationPhase phase, IReadOnlyDictionary<string, TableRows> tableRows, double scale)
    {
        var judged = new List<(string, string, double, SloJudgement)>();
        var batch = phase is BackfillPhase backfill ? Production(backfill.Backfill, tableRows) : null;
        if (slo.LongestWriteBlock is { } block)
            judged.Add(("longest_write_block", "ms", block.TotalMilliseconds, RehearsalSloJudge.LongestWriteBlock(WriteBlock(phase, batch, tableRows, scale), block)));
        if (phase is not BackfillPhase) return judged;
        if (slo.LongestLockHold is { } hold)
            judged.Add(("longest_lock_hold", "ms", hold.TotalMilliseconds, RehearsalSloJudge.LongestLockHold(batch, hold)));
        if (slo.WriterP99Increase is { } factor)
            judged.Add(("writer_p99_increase", "x", factor, RehearsalSloJudge.WriterP99Increase(Writers ?? new WriterLatencies(false, [], []), factor)));
        return judged;
    }

    // The table's rows here are the keys the batches walked; production's are the profile's (none on a snapshot copy:
    // its data is production's).
    private ProductionBatchHold? Production(BackfillSpec spec, IReadOnlyDictionary<string, TableRows> tableRows)
    {
        var batches = Batches.Where(b => b.Rows > 0).Select(b => new MeasuredBatch(b.Rows, b.Duration)).ToList();
        var here = batches.Sum(b => (long)b.Rows);
        long? profiled = tableRows.TryGetValue(StatementWork.Qualified(spec.Table), out var rows) && rows.Profiled > 0 ? rows.Profiled : null;
        return ProductionBatch.Predict(batches, here, profiled, spec.TargetBatchTime, spec.MinBatchSize, spec.MaxBatchSize);
    }

    private WriteBlockEvidence WriteBlock(MigrationPhase phase, ProductionBatchHold? batch, IReadOnlyDictionary<string, TableRows> tableRows, double scale)
    {
        var waited = LongestWorkloadWait;
        if (phase is BackfillPhase)
        {
            foreach (var run in Batches) if (run.WriterWait is { } wait && wait > waited) waited = wait;
            return batch is null
                ? new WriteBlockEvidence(null, TimeSpan.Zero, TimeSpan.Zero, waited, TimeSpan.Zero, true)
                : new WriteBlockEvidence($"the row locks of production's batch of {batch.Rows} rows", batch.MeasuredLongest, batch.Hold, waited, TimeSpan.Zero, true);
        }
        // A lock is held from the statement that takes it to the commit in a transaction, to the statement's end outside one.
        var predictor = new DurationPredictor(tableRows, scale);
        var file = (phase as ScriptPhase)?.Up.FileName;
        (string Lock, TimeSpan Measured, TimeSpan Predicted)? longest = null;
        for (var i = 0; i < Statements.Count; i++)
        {
            var statement = Statements[i];
            var blocking = statement.Locks.Where(l => LockHeld.BlockingWriters.Contains(l.Mode) && !Created.Contains(l.Table)).ToList();
            if (blocking.Count == 0) continue;
            IReadOnlyList<StatementRun> held = phase.Transactional ? [.. Statements.Skip(i)] : [statement];
            var predicted = predictor.Predict([.. held.Select(s => StatementWork.Of(s, tableRows.Keys))]).Predicted;
            if (longest is not null && predicted <= longest.Value.Predicted) continue;
            var mode = LockJudgement.Strongest(blocking.Select(l => l.Mode));
            longest = ($"{mode} on {blocking.First(l => l.Mode == mode).Table} from {file}:{statement.Line}{(phase.Transactional ? " to the commit" : "")}",
                held.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration), predicted);
        }
        var scaled = scale <= 0 ? waited : TimeSpan.FromTicks((long)(waited.Ticks / scale));
        return longest is { } found
            ? new WriteBlockEvidence(found.Lock, found.Measured, found.Predicted, waited, scaled, false)
            : new WriteBlockEvidence(null, TimeSpan.Zero, TimeSpan.Zero, waited, scaled, false);
    }
}

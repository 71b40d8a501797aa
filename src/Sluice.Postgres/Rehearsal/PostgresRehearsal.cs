using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Lint;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Rehearsal.Hints;
using Sluice.Rehearsal.Predictions;
using Sluice.Rehearsal.Runs;
using Sluice.Rehearsal.Slo;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Rehearses plans in a database that already holds the schema at the current version and synthetic data: every
/// phase forward under observation while the seeded workload writes (<see cref="WriteWorkload"/>), its verify, after
/// a backfill whether every row's new representation is what the batch computes from the old one, a second
/// application (idempotence), every phase back in reverse (reversibility, compared with the state before each phase;
/// a difference is blamed on the first phase whose revert leaves it), and forward again from where the rollback stopped.
/// Every up and down runs as Promote runs it: through <see cref="PostgresPhaseExecutor"/> (its statement loop, timeouts,
/// transaction checks and line mapping) under <see cref="LockRetries"/> with the run's default backoff, its jitter
/// seeded by the workload seed; the locks and rewrites are read through the executor's <see cref="IStatementObserver"/> hook.
/// A plan's <c>slo:</c> is judged per phase at production size (<see cref="PhaseSloReadings"/>, <see cref="RehearsalSloJudge"/>):
/// its backfill's first batch then runs at <c>min_batch_size</c> (the probe of a batch's fixed cost), and, for
/// <c>writer_p99_increase</c>, timed writers run just before and beside it (<see cref="WriterLatencyProbe"/>).
/// </summary>
public sealed class PostgresRehearsal(string connectionString, double scale, WorkloadOptions? workload = null, LintContext? lint = null)
{
    private readonly LintContext _lint = lint ?? LintContext.None;
    internal static readonly RunnerIdentity Rehearser = new("sluice-rehearsal", Environment.MachineName, null);
    private static readonly TimeSpan WorkloadBlockedWarning = TimeSpan.FromSeconds(1);
    private readonly List<RehearsalFinding> _findings = [];
    private readonly WorkloadOptions _workloadOptions = workload ?? new WorkloadOptions(Runs: 1);
    private readonly StatementRecorder _recorder = new();
    private WriteWorkload? _workload;
    private PostgresPhaseExecutor? _executor;
    private LockRetries? _retries;
    private TimeSpan _batchTime;
    private int _seed;
    private readonly List<BatchRun> _batches = [];
    private readonly List<RehearsalSloCheck> _slos = [];

    /// <summary>Each bound of the plans' <c>slo:</c> as judged per phase, for the report's SLO table.</summary>
    public IReadOnlyList<RehearsalSloCheck> SloChecks => _slos;

    /// <summary>Each table's rows in the profile and here, so each phase's prediction grows with the tables it touches
    /// (<see cref="DurationPredictor"/>); without them, every piece of work scales by the run's scale.</summary>
    public IReadOnlyDictionary<string, TableRows> TableRows { get; init; } = new Dictionary<string, TableRows>(StringComparer.Ordinal);

    /// <summary>The profile's statement mix, replayed beside every phase's forward run (null: none recorded, or not on this machine).</summary>
    internal StatementReplay? Replay { get; init; }

    private readonly ReplayTally _replayed = new();

    /// <summary>Each replayed statement's achieved rate against the recorded one, over the phases it ran beside.</summary>
    public IReadOnlyList<Sluice.Rehearsal.Traffic.ReplayRate> ReplayRates => Replay?.Rates(_replayed) ?? [];

    /// <summary>Watch the phases' statements beside the rehearsal's own recorder (a test compares them with Promote's).</summary>
    internal IReadOnlyList<IStatementObserver> AlsoObserving { get; init; } = [];

    private PostgresPhaseExecutor Executor => _executor ?? throw new InvalidOperationException("the rehearsal has not started");

    private LockRetries Retries => _retries ?? throw new InvalidOperationException("the rehearsal has not started");

    /// <summary>Rehearses the plans under the workload of <paramref name="seed"/>.</summary>
    public async Task<(IReadOnlyList<PhaseRehearsal> Phases, IReadOnlyList<RehearsalFinding> Findings)> RunAsync(
        IReadOnlyList<MigrationPlan> plans, int seed, CancellationToken cancellationToken)
    {
        await using var database = new PostgresMigrationDatabase(connectionString);
        // Its own sessions, named so the observer's sampler finds their locks. Pooled and warmed as Promote's session is:
        // an unpooled session made every phase pay a new server process (0.3 s under load), which a catalog-only phase's
        // prediction then carried unscaled against Promote's pooled 66 ms. The pool resets a session (DISCARD ALL) before
        // it is used again, so no setting outlives a phase.
        await using var phaseSessions = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = PhaseObserver.PhaseName, Pooling = true, NoResetOnClose = false }.ConnectionString);
        await (await phaseSessions.OpenConnectionAsync(cancellationToken)).DisposeAsync();
        _executor = new PostgresPhaseExecutor(phaseSessions, [_recorder, .. AlsoObserving]);
        _retries = LockRetries.For(new MigrationRunnerOptions("rehearsal", Seed: seed));
        _seed = seed;
        await database.Providers.Journal.EnsureAsync(cancellationToken);
        foreach (var plan in plans) await database.Providers.Journal.RecordPlanAsync(plan, Rehearser, cancellationToken);
        _workload = await WriteWorkload.PrepareAsync(connectionString,
            plans.SelectMany(p => p.Phases).SelectMany(p => p.Scripts()).Select(s => s.Sql), seed, _workloadOptions.KeysPerTable, cancellationToken);

        var results = new List<PhaseRehearsal>();
        var before = new List<(MigrationPlan Plan, MigrationPhase Phase, RehearsalState State)>();
        var forward = true;
        foreach (var plan in plans)
        {
            foreach (var phase in plan.Phases)
            {
                var state = await RehearsalState.TakeAsync(connectionString, _workload, cancellationToken);
                before.Add((plan, phase, state));
                var result = await ForwardAsync(database, plan, phase, cancellationToken);
                results.Add(result);
                if (result.Verified == false || result.Idempotent is null) { forward = false; break; }
            }
            if (!forward) break;
        }
        if (!forward) return (results, _findings);

        // Back, latest first: each down must restore exactly the state before its up. What a later phase's revert
        // already left different is that phase's fault, not this one's.
        var reversible = new Dictionary<(string, string), bool?>();
        var inherited = new HashSet<string>(StringComparer.Ordinal);
        var reverted = before.Count;
        for (var i = before.Count - 1; i >= 0; i--)
        {
            var (plan, phase, state) = before[i];
            if (phase.Irreversible)
            {
                Add(FindingSeverity.Info, "irreversible", $"phase {phase.Name} is irreversible: rollback was rehearsed up to it", plan, phase);
                break;
            }
            reverted = i;
            if (phase.Down is null) continue; // a backfill: its columns go with its expand's down
            if (!await TryRunAsync(plan, phase, phase.Down, "down", attempt => Executor.RevertAsync(plan, phase, runDown: true, attempt, Rehearser, cancellationToken), cancellationToken))
            {
                reversible[(plan.Id, phase.Name)] = false;
                break;
            }
            var differences = await state.ChangesAsync(cancellationToken);
            var own = differences.Where(d => !inherited.Contains(d.Subject)).ToList();
            inherited.UnionWith(differences.Select(d => d.Subject));
            var lost = (await LostWritesAsync(cancellationToken)).Where(d => !inherited.Contains(d.Subject)).ToList();
            inherited.UnionWith(lost.Select(d => d.Subject));
            reversible[(plan.Id, phase.Name)] = own.Count == 0 && lost.Count == 0;
            if (own.Count > 0)
                Add(FindingSeverity.Error, "not-reversible",
                    $"{phase.Down.FileName} does not restore the state before {UpFile(phase) ?? phase.Name}: {string.Join("; ", own.Take(5))}",
                    plan, phase, phase.Down.FileName, remedy: "make the down put back every column, row value, index, constraint and function its up changed (and only those)");
            if (lost.Count > 0)
                Add(FindingSeverity.Error, "rollback-loses-writes",
                    $"after {phase.Down.FileName}, {lost.Count} row(s) the application wrote while the phases ran (workload seed {_workload!.Seed}) are not as it wrote them: {string.Join("; ", lost.Take(10))}{(lost.Count > 10 ? "; ..." : "")}",
                    plan, phase, phase.Down.FileName,
                    remedy: "rebuild the old columns from data kept in step while the plan ran (a trigger on every write), not from what the backfill left behind");
        }

        // Forward again from where the rollback stopped: a rolled-back release must be able to ship later, and a
        // phase the rollback did not revert (an irreversible one, and those before it) is still applied.
        var again = new HashSet<(string, string)>();
        foreach (var (plan, phase, _) in before.Skip(reverted))
        {
            if (phase is BackfillPhase backfill) await BackfillAsync(database, plan, backfill, cancellationToken);
            else if (phase is ScriptPhase script
                     && !await TryRunAsync(plan, phase, script.Up, "forward again", attempt => Executor.ApplyAsync(plan, script, attempt, Rehearser, cancellationToken), cancellationToken))
                break;
            again.Add((plan.Id, phase.Name));
        }

        return ([.. results.Select(r => r with { Reversible = reversible.GetValueOrDefault((r.Plan, r.Phase)), ForwardAgain = again.Contains((r.Plan, r.Phase)) })], _findings);
    }

    private async Task<PhaseRehearsal> ForwardAsync(PostgresMigrationDatabase database, MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken)
    {
        // Writers' latencies for the plan's writer_p99_increase: a baseline on this database just before the backfill
        // (outside its time), then the same writes beside it (extra to the seeded rounds between its batches, which
        // stay as they were).
        var loopback = RehearsalCluster.OnThisMachine(connectionString);
        var timed = phase is BackfillPhase { Backfill: var spec } && plan.Slo?.WriterP99Increase is not null && loopback ? spec : null;
        IReadOnlyList<TimeSpan> baseline = [], beside = [];
        if (timed is not null) baseline = await WriterLatencyProbe.BaselineAsync(connectionString, timed, _seed, cancellationToken);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<StatementRun> statements = [];
        IReadOnlyList<LockHeld> sampled;
        TimeSpan blocked;
        Dictionary<string, uint> storageBefore, storageAfter;
        await using (var connection = await OpenAsync(cancellationToken))
            storageBefore = await StatementRecorder.StorageAsync(connection, null, cancellationToken);
        var failed = false;
        var applied = TimeSpan.Zero;
        TimeSpan longestWait;
        await using (var observer = PhaseObserver.Start(connectionString, await WorkloadTablesAsync(cancellationToken),
                         phase is BackfillPhase ? null : _workload, cancellationToken))
        await using (var replaying = Replay is null ? null : await Replay.StartAsync(connectionString, _replayed, cancellationToken))
        await using (var writers = timed is null ? null : await WriterLatencyProbe.StartAsync(connectionString, timed, _seed + 1, cancellationToken))
        {
            var applyStarted = Stopwatch.GetTimestamp();
            var failure = await ApplyAsync(database, plan, phase, cancellationToken);
            applied = Stopwatch.GetElapsedTime(applyStarted) - _recorder.Watching;
            if (writers is not null)
            {
                await writers.DisposeAsync();
                beside = writers.Latencies;
            }
            if (failure is not null)
            {
                failed = true;
                Add(FindingSeverity.Error, "up-failed", $"{failure.File} failed: {failure.Message}", plan, phase, failure.File, failure.Line, failure.Statement);
            }
            statements = _recorder.Runs;
            if (replaying is not null) await replaying.DisposeAsync();
            await observer.DisposeAsync();
            sampled = observer.Locks;
            blocked = observer.WorkloadBlocked;
            longestWait = observer.LongestWorkloadWait;
        }
        var duration = clock.Elapsed;
        var predicted = PredictPhase(phase, statements, applied);
        await using (var connection = await OpenAsync(cancellationToken))
            storageAfter = await StatementRecorder.StorageAsync(connection, null, cancellationToken);

        var rewritten = storageAfter.Where(p => storageBefore.TryGetValue(p.Key, out var b) && b != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

        // Exact locks of a transactional phase are held to its commit: the whole phase's time.
        var locks = statements.SelectMany(s => s.Locks).Distinct().Select(l => new LockHeld(l.Table, l.Mode, duration))
            .Concat(sampled.Where(s => !statements.SelectMany(t => t.Locks).Contains((s.Table, s.Mode))))
            .OrderBy(l => l.Table, StringComparer.Ordinal).ThenBy(l => l.Mode, StringComparer.Ordinal).ToList();
        // A table the phase itself created has no readers or writers yet: its locks and builds block nobody.
        var created = storageAfter.Keys.Where(t => !storageBefore.ContainsKey(t)).ToHashSet(StringComparer.Ordinal);
        JudgeStatements(plan, phase, statements, created);
        // Sampled, so a warning rather than an error: the exact readings above decide pass or fail.
        if (Predict(blocked) > WorkloadBlockedWarning)
            Add(FindingSeverity.Warning, "workload-blocked",
                $"the synthetic workload waited on locks for {blocked.TotalMilliseconds:F0} ms during {phase.Name} (about {Predict(blocked).TotalSeconds:F1} s at production size)",
                plan, phase, UpFile(phase), remedy: "take strong locks only for catalog changes; move data work into backfill batches and index builds into CONCURRENTLY");
        if (!failed && plan.Slo is { } slo)
            JudgeSlo(plan, phase, slo, new PhaseSloReadings(statements, created, longestWait, phase is BackfillPhase ? [.. _batches] : [],
                phase is BackfillPhase ? new WriterLatencies(loopback, baseline, beside) : null));
        if (failed) return new PhaseRehearsal(plan.Id, phase.Name, phase.Kind.ToString(), duration, predicted.Predicted, locks, rewritten, blocked, null, null, null) { PredictionBasis = predicted.Basis };

        if (phase is BackfillPhase checkable) await CheckBackfillAsync(plan, checkable, cancellationToken);
        var verified = await VerifyAsync(plan, phase, cancellationToken);
        var idempotent = await ReapplyAsync(database, plan, phase, cancellationToken);
        if (_workload is not null)
        {
            // Then a round of writes with the phase in place, at the same point in every run of the seed (the writes
            // beside the phase land wherever the scheduler puts them).
            await using var writer = await OpenAsync(cancellationToken, PhaseObserver.WorkloadName);
            await _workload.AcceptCurrentAsync(writer, cancellationToken);
            await _workload.RoundAsync(writer, _workloadOptions.WritesPerRound, cancellationToken);
        }
        return new PhaseRehearsal(plan.Id, phase.Name, phase.Kind.ToString(), duration, predicted.Predicted, locks, rewritten, blocked, verified, idempotent, null) { PredictionBasis = predicted.Basis };
    }

    // Every lock a statement takes is judged (LockJudgement); a rewrite of a table that existed is one finding of its own.
    private void JudgeStatements(MigrationPlan plan, MigrationPhase phase, IReadOnlyList<StatementRun> statements, IReadOnlySet<string> created)
    {
        var file = UpFile(phase);
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var firstLine = StatementText.FirstLine(statement.Text);
            // The lint rule's recipe is written for this statement; LockRemedies covers what no rule names.
            var remedy = _lint.LockRecipeAt(plan.Id, file, statement.Line) ?? LockRemedies.For(statement.Text).Remedy;
            var staticCode = _lint.LockCodeAt(plan.Id, file, statement.Line);
            // In a transaction a lock is held from the statement that takes it to the commit.
            var held = Predict(statements.Skip(i).Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration));
            foreach (var table in statement.Rewritten.Where(t => !created.Contains(t)))
            {
                var mode = statement.Locks.FirstOrDefault(l => l.Table == table).Mode ?? "AccessExclusiveLock";
                var empty = LockWeight.Row(table, _lint.Profile, _lint.Settings) == "W2";
                Add(empty ? FindingSeverity.Info : FindingSeverity.Error, "table-rewrite",
                    $"rewrites {table} under {mode} (took {statement.Duration.TotalMilliseconds:F0} ms here, about {Predict(statement.Duration).TotalSeconds:F1} s at production size), blocking readers and writers throughout"
                    + (empty ? " (empty and idle in the profile)" : ""),
                    plan, phase, file, statement.Line, firstLine, remedy, staticCode ?? ErrorCodes.LintTableRewrite);
            }
            foreach (var group in statement.Locks.Where(l => !seen.Contains(l) && !statement.Rewritten.Contains(l.Table)).GroupBy(l => l.Table))
            {
                var mode = LockJudgement.Strongest(group.Select(l => l.Mode));
                var verdict = LockJudgement.Judge(new LockObservation(group.Key, mode, held, created.Contains(group.Key), staticCode is not null || mode == "ShareLock"),
                    staticCode, _lint.Profile, _lint.Settings);
                if (verdict.Severity is not { } severity) continue;
                Add(severity, verdict.Rule!,
                    $"holds {mode} on {group.Key}, blocking {verdict.Blocks} (held {held.TotalMilliseconds:F0} ms at production size against max_lock_hold {_lint.Settings.MaxLockHold.TotalMilliseconds:F0} ms; "
                    + $"{LockWeight.Describe(group.Key, _lint.Profile)}; {verdict.Row}){(verdict.Acceptable ? ": acceptable" : "")}",
                    plan, phase, file, statement.Line, firstLine, remedy, verdict.Code);
            }
            seen.UnionWith(statement.Locks);
        }
    }

    // Each bound as a finding at plan.yaml's slo block (an error when exceeded, so the rehearsal gate stops Promote) and
    // a row of the report's SLO table.
    private void JudgeSlo(MigrationPlan plan, MigrationPhase phase, PlanSlo slo, PhaseSloReadings readings)
    {
        foreach (var (key, unit, bound, verdict) in readings.Judge(slo, phase, TableRows, scale))
        {
            _slos.Add(new RehearsalSloCheck(plan.Id, phase.Name, key, unit, bound, verdict.Measured, verdict.Predicted, verdict.Outcome, verdict.Row, verdict.Evidence));
            Add(verdict.Severity, $"slo-{key.Replace('_', '-')}", $"{phase.Name}: {verdict.Evidence}", plan, phase, "plan.yaml", slo.Line,
                remedy: verdict.Remedy, code: verdict.Outcome == SloOutcome.Exceeded ? SloCodes[key] : null);
        }
    }

    private static readonly IReadOnlyDictionary<string, string> SloCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["longest_write_block"] = ErrorCodes.RehearsalWriteBlockExceeded,
        ["longest_lock_hold"] = ErrorCodes.RehearsalLockHoldExceeded,
        ["writer_p99_increase"] = ErrorCodes.RehearsalWriterP99Exceeded,
    };

    /// <summary>The phase's verify as Promote runs it: in a transaction under the phase's timeouts.</summary>
    private async Task<bool?> VerifyAsync(MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken)
    {
        if (phase.Verify is null) return null;
        var result = await Executor.VerifyAsync(plan, phase, cancellationToken);
        if (result.Passed) return true;
        Add(FindingSeverity.Error, "verify-failed", $"{result.Detail} after {phase.Name} ran", plan, phase, phase.Verify.FileName, 1);
        return false;
    }

    private async Task<bool?> ReapplyAsync(PostgresMigrationDatabase database, MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken)
    {
        var first = await RehearsalState.TakeAsync(connectionString, _workload, cancellationToken);
        if (await ApplyAsync(database, plan, phase, cancellationToken) is { } failure)
        {
            Add(FindingSeverity.Error, "not-idempotent", $"applying {UpFile(phase)} a second time fails: {failure.Message}",
                plan, phase, failure.File, failure.Line, failure.Statement,
                "write the phase so a repeat changes nothing: IF NOT EXISTS / IF EXISTS, CREATE OR REPLACE, WHERE clauses that skip rows already done", ErrorCodes.LintNotRobust);
            return false;
        }
        var differences = await first.ChangesAsync(cancellationToken);
        if (differences.Count == 0) return true;
        Add(FindingSeverity.Error, "not-idempotent", $"applying {UpFile(phase) ?? phase.Name} a second time changed {string.Join("; ", differences.Take(5))}",
            plan, phase, UpFile(phase), remedy: "write the phase so a repeat changes nothing (updates that compute from the old shape, not increments)");
        return false;
    }

    private async Task<bool> TryRunAsync(MigrationPlan plan, MigrationPhase phase, PlanScript script, string step, Func<int, Task> attempt, CancellationToken cancellationToken)
    {
        if (await RunStepAsync(plan, phase, script, attempt, cancellationToken) is not { } failure) return true;
        Add(FindingSeverity.Error, step == "down" ? "down-failed" : "reapply-failed", $"{failure.File} failed ({step}): {failure.Message}",
            plan, phase, failure.File, failure.Line, failure.Statement);
        return false;
    }

    /// <summary>Runs the phase's forward work once: a script's up through the executor (what each statement did is in
    /// the recorder), or a backfill's batches (the recorder stays empty: the observer samples them).</summary>
    private async Task<StepFailure?> ApplyAsync(PostgresMigrationDatabase database, MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken)
    {
        _recorder.Clear();
        switch (phase)
        {
            case ScriptPhase script:
                return await RunStepAsync(plan, phase, script.Up, attempt => Executor.ApplyAsync(plan, script, attempt, Rehearser, cancellationToken), cancellationToken);
            case BackfillPhase backfill:
                await BackfillAsync(database, plan, backfill, cancellationToken);
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(phase), phase.GetType().Name, "a phase is a script or a backfill");
        }
    }

    /// <summary>
    /// One up or down of <paramref name="script"/> under the lock retries Promote uses (each retry is reported as an
    /// info finding with the wait it chose); null when it ran, else what failed where (the recorder's current
    /// statement, the line the executor mapped the server's error to).
    /// </summary>
    private async Task<StepFailure?> RunStepAsync(MigrationPlan plan, MigrationPhase phase, PlanScript script, Func<int, Task> attempt, CancellationToken cancellationToken)
    {
        try
        {
            await Retries.RunAsync(phase, number =>
            {
                _recorder.Clear();
                return attempt(number);
            }, retry =>
            {
                var at = _recorder.Current;
                Add(FindingSeverity.Info, "lock-retry", retry.Message, plan, phase, (at?.Script ?? script).FileName, at?.Statement.Line,
                    at is null ? null : StatementText.FirstLine(at.Statement.Text));
                return Task.CompletedTask;
            }, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is SluiceException { Kind: ErrorKind.Failure } or LockTimeoutException)
        {
            var at = _recorder.Current;
            return new StepFailure((at?.Script ?? script).FileName, (e as SluiceException)?.Line ?? at?.Statement.Line ?? 1,
                at is null ? null : StatementText.FirstLine(at.Statement.Text), (e.InnerException as PostgresException)?.Message ?? e.Message);
        }
    }

    /// <summary>Where a step failed: the script, its line, the statement's first line, and the server's message.</summary>
    private sealed record StepFailure(string File, int Line, string? Statement, string Message);

    private static string? UpFile(MigrationPhase phase) => (phase as ScriptPhase)?.Up.FileName;

    // Between batches the workload writes a round, as the application does while a backfill walks the table. Under a
    // plan's slo the first batch is at min_batch_size: beside the others, at the largest size, it tells a batch's fixed
    // cost from its cost per row (ProductionBatch).
    private async Task BackfillAsync(PostgresMigrationDatabase database, MigrationPlan plan, BackfillPhase phase, CancellationToken cancellationToken)
    {
        await using var writer = await OpenAsync(cancellationToken, PhaseObserver.WorkloadName);
        long? after = null;
        _batchTime = TimeSpan.Zero;
        _batches.Clear();
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            var size = plan.Slo is not null && _batches.Count == 0 ? phase.Backfill.MinBatchSize : phase.Backfill.MaxBatchSize;
            var batch = await database.Providers.Backfills.RunBatchAsync(plan, phase, after, size, Rehearser, cancellationToken);
            _batchTime += Stopwatch.GetElapsedTime(started);
            _batches.Add(new BatchRun(batch.Keys, batch.Duration, batch.LongestWriterWait));
            if (_workload is not null) await _workload.RoundAsync(writer, _workloadOptions.WritesPerRound, cancellationToken);
            if (batch.Finished) return;
            after = batch.LastKey;
        }
    }

    private async Task<IReadOnlyList<StateDifference>> LostWritesAsync(CancellationToken cancellationToken)
    {
        if (_workload is null) return [];
        await using var connection = await OpenAsync(cancellationToken);
        return [.. (await _workload.LostWritesAsync(connection, cancellationToken))
            .Select(l => new StateDifference($"written {l.Table} {l.Key}", $"{l.Table} {l.Key}: {l.What}"))];
    }

    private async Task CheckBackfillAsync(MigrationPlan plan, BackfillPhase phase, CancellationToken cancellationToken)
    {
        var (count, sample) = await BackfillCheck.RunAsync(connectionString, phase, cancellationToken);
        if (count == 0) return;
        var spec = phase.Backfill;
        var rows = string.Join(", ", sample.Select(g => $"{spec.Key} {g.Key} ({(g.Columns.Count == 0 ? "row" : string.Join(", ", g.Columns))})"));
        Add(FindingSeverity.Error, "backfill-incomplete",
            $"after {phase.Name}, {count} row(s) of {spec.Table} differ from what {spec.Batch.FileName} computes from the old columns "
            + $"(workload seed {_workload?.Seed}): {rows}{(count > sample.Count ? ", ..." : "")}",
            plan, phase, spec.Batch.FileName,
            remedy: "keep the new columns in step with every write the application makes while the plan runs: a BEFORE INSERT OR UPDATE OF <the columns it maps> trigger in the expand phase that computes them as the batch does");
    }

    // A backfill's batches, not the workload's rounds between them (Promote has none); a script's statements, plus the
    // executor's own time around them (the apply without the recorder's queries), which does not grow with rows.
    private PhasePrediction PredictPhase(MigrationPhase phase, IReadOnlyList<StatementRun> statements, TimeSpan applied)
    {
        IReadOnlyList<MeasuredWork> work = phase is BackfillPhase backfill
            ? [StatementWork.Batches(backfill.Backfill.Table, _batchTime)]
            : [.. statements.Select(s => StatementWork.Of(s, TableRows.Keys)),
               StatementWork.Overhead(applied - statements.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration))];
        return new DurationPredictor(TableRows, scale).Predict(work);
    }

    private TimeSpan Predict(TimeSpan measured) => scale <= 0 ? measured : TimeSpan.FromTicks((long)(measured.Ticks / scale));

    private async Task<IReadOnlyList<(string Table, string Column)>> WorkloadTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await WorkloadStatements.TablesAsync(connection, cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken, string? applicationName = null)
    {
        var connection = new NpgsqlConnection(applicationName is null ? connectionString
            : new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private void Add(FindingSeverity severity, string rule, string message, MigrationPlan plan, MigrationPhase phase,
        string? file = null, int? line = null, string? statement = null, string? remedy = null, string? code = null) =>
        _findings.Add(new RehearsalFinding(severity, rule, message, remedy, plan.Id, phase.Name,
            file is null ? null : Path.Combine(Path.GetFileName(plan.Folder), file), line, statement, _workload?.Seed, code));
}

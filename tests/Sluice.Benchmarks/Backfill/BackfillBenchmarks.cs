using System.Diagnostics;
using Npgsql;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Migrations;

namespace Sluice.Benchmarks.Backfill;

/// <summary>
/// Issue 4's figures: the sample plan's backfill over 1M customers, batched by the runner against one single UPDATE:
/// throughput, the longest time any row lock was held, and the p99 latency of concurrent application writes; and
/// issue 20's variants of the batch sizing weighed against each other in the same run.
/// </summary>
public sealed class BackfillBenchmarks : IBenchmarkSuite
{
    private const int Writers = 4;
    private static readonly TimeSpan BaselineWindow = TimeSpan.FromSeconds(10);

    /// <summary>Durable settings (an ephemeral cluster turns them off): a batched backfill pays one commit per batch.</summary>
    internal static readonly IReadOnlyDictionary<string, string> DurableSettings = new Dictionary<string, string>
    {
        ["fsync"] = "on", ["synchronous_commit"] = "on", ["full_page_writes"] = "on", ["max_wal_size"] = "4GB", ["shared_buffers"] = "512MB",
    };

    public string Name => "backfill";

    public string Description => "sample backfill of 1M rows: batched runner vs one UPDATE; longest lock hold; p99 of concurrent writers";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var rows = context.Large ? 10_000_000 : 1_000_000;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        var settings = WithServerOverrides(DurableSettings);
        output.WriteLine($"server settings: {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}");
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, settings);
        // SLUICE_BENCH_VARIANTS=0,2 runs only those variants (by their place in Variants), for a quick look while developing.
        var only = Environment.GetEnvironmentVariable("SLUICE_BENCH_VARIANTS")?.Split(',').Select(int.Parse).ToHashSet();
        var variants = Variants.Where((_, i) => only is null || only.Contains(i))
            .Select(v => (v.Name, Pipelines: SamplePipelines(context.RepositoryRoot, v.Edits))).ToList();
        try
        {
            await CreateTemplateAsync(cluster, context.RepositoryRoot, rows, cancellationToken);
            foreach (var load in WriterLoads(toolchain.Binaries.Tool("pgbench")))
                await RunLoadAsync(output, cluster, rows, variants, load, cancellationToken);
        }
        finally
        {
            foreach (var (_, pipelines) in variants) Directory.Delete(pipelines, recursive: true);
        }
    }

    /// <summary>SLUICE_BENCH_SERVER="name=value,..." adds or overrides server settings for this suite's cluster, to weigh
    /// a server-side lever (the WAL writer's cadence, say) against the same suite without it.</summary>
    private static IReadOnlyDictionary<string, string> WithServerOverrides(IReadOnlyDictionary<string, string> settings)
    {
        var merged = settings.ToDictionary();
        foreach (var pair in (Environment.GetEnvironmentVariable("SLUICE_BENCH_SERVER") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = pair.IndexOf('=');
            if (at <= 0) throw new ArgumentException($"SLUICE_BENCH_SERVER: '{pair}' is not name=value");
            merged[pair[..at].Trim()] = pair[(at + 1)..].Trim();
        }
        return merged;
    }

    /// <summary>The writer loads measured, from SLUICE_BENCH_WRITE_RATES ("closed" or a total writes/s, comma-separated):
    /// "pgbench:N" runs them as pgbench in its own process. By default the saturating closed loop (the figures measured
    /// since issue 4) and pgbench at 1,000 writes/s, about a tenth of what the writers alone reach here: production's
    /// writers are processes apart from the runner's and leave the server headroom.</summary>
    private static IEnumerable<WriterLoad> WriterLoads(string pgbench) =>
        (Environment.GetEnvironmentVariable("SLUICE_BENCH_WRITE_RATES") ?? "closed,pgbench:1000").Split(',', StringSplitOptions.TrimEntries)
            .Select(rate => rate == "closed" ? new WriterLoad(null)
                : rate.StartsWith("pgbench:", StringComparison.Ordinal) ? new WriterLoad(int.Parse(rate["pgbench:".Length..], System.Globalization.CultureInfo.InvariantCulture), pgbench)
                : new WriterLoad(int.Parse(rate, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>One set of measurements (baselines, the single UPDATE, every variant) under one kind of writer load.</summary>
    private static async Task RunLoadAsync(TextWriter output, LocalCluster cluster, int rows, List<(string Name, string Pipelines)> variants,
        WriterLoad load, CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine($"## {rows:N0} customers; {Writers} writers, {load.Describe(Writers)}, each updating one random customer's full_name (the sync trigger fires)");

        // The no-backfill baseline three times (first, after the single UPDATE, last), the median p99 taken: one 10 s
        // window on this virtual machine now and then holds a pause of the host's that alone sets its p99.
        var baselines = new List<Measurement> { await IdleAsync(cluster, load, rows, cancellationToken) };
        // Item 2 of issue 20: what the expand's sync trigger (the dual write) costs the writers.
        var noTrigger = await MeasureAsync(cluster, load, "bench_no_trigger", rows, (_, ct) => Task.Delay(BaselineWindow, ct), cancellationToken,
            setup: "DROP TRIGGER customers_sync_name ON customers");
        var single = await MeasureAsync(cluster, load, "bench_single", rows, SingleUpdateAsync, cancellationToken);
        baselines.Add(await IdleAsync(cluster, load, rows, cancellationToken));
        // An idle window after every variant as well: the server's own tail drifts over minutes on this virtual machine
        // (the writers alone gave p99s from 3.3 to 32 ms within four minutes in a lab run), so each variant is also
        // read against the idle windows right before and after it, the lower of the two (the stricter).
        var beside = new List<Measurement> { baselines[^1] };
        var runs = new List<(string Name, Measurement Writers, BackfillStats Stats, RunTimeline Timeline)>();
        foreach (var (name, pipelines) in variants)
        {
            BackfillStats? stats = null;
            var timeline = new RunTimeline();
            var measured = await MeasureAsync(cluster, load, $"bench_batched_{runs.Count}", rows, async (connection, ct) =>
                stats = await BatchedAsync(connection, pipelines, ct, timeline), cancellationToken);
            runs.Add((name, measured, stats!, timeline));
            beside.Add(await IdleAsync(cluster, load, rows, cancellationToken));
        }
        baselines.Add(beside[^1]);
        var idle = baselines.OrderBy(b => b.P99).ElementAt(1);
        // The first variant (the default) once more, in slices with pauses between them (PairedWindows).
        var paired = new PairedWindows();
        var pairedWriters = await MeasureAsync(cluster, load, "bench_paired", rows, (connection, ct) =>
            paired.RunAsync(connection, variants[0].Pipelines, new RunTimeline(), ct), cancellationToken);
        var dualWrite = new DualWritePairs();
        var dualWriters = await MeasureAsync(cluster, load, "bench_dual_write", rows, dualWrite.RunAsync, cancellationToken);

        output.WriteLine();
        output.WriteLine("| what | time | rows/s | longest lock hold | writes | writer p50 | writer p99 | writer max |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Row(output, "no backfill, no sync trigger (writers alone)", noTrigger, null, null);
        foreach (var (baseline, when) in baselines.Zip(new[] { "first", "after the single UPDATE", "last" }))
            Row(output, $"no backfill (writers alone), {when}{(ReferenceEquals(baseline, idle) ? ": the median, the baseline" : "")}", baseline, null, null);
        Row(output, "one UPDATE of every row", single, rows / single.Elapsed.TotalSeconds, single.Elapsed);
        // A batched row's time is the backfill phase alone (the run also re-checks the expand and runs the verify).
        foreach (var (name, writers, stats, _) in runs)
            Row(output, $"batched: {name} ({stats.Batches} batches)", writers with { Elapsed = stats.Elapsed }, rows / stats.Elapsed.TotalSeconds, stats.LongestBatch);
        output.WriteLine();
        // The goal is the backfill's: the writes during its batches. The whole run's figure also holds the expand's
        // re-check (its ALTER TABLE takes an exclusive lock for a moment) and the verify's scan.
        output.WriteLine("| variant | throughput vs single UPDATE (goal >= 0.5x) | longest lock hold (goal <= 250 ms) | writer p99 during the batches vs no backfill (goal <= 2x) | writer p99 over the whole run | idle windows before / after: p99 | writer p99 during the batches vs the lower of them | batch sizes first/last/largest |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var ((name, writers, stats, timeline), i) in runs.Select((r, i) => (r, i)))
        {
            var during = DuringBatchesP99(writers, timeline);
            var (before, after) = (beside[i].P99, beside[i + 1].P99);
            output.WriteLine($"| {name} | {single.Elapsed / stats.Elapsed:F2}x | {stats.LongestBatch.TotalMilliseconds:N0} ms | {during / idle.P99:F2}x | {writers.P99 / idle.P99:F2}x | {Ms(before)} / {Ms(after)} | {during / (before < after ? before : after):F2}x | {stats.FirstSize}/{stats.LastSize}/{stats.LargestSize} |");
        }
        output.WriteLine();
        PrintAttribution(output, idle, runs.Select(r => (r.Name, r.Writers, r.Timeline)).ToList());
        output.WriteLine();
        var (slice, settle) = (PairedWindows.Slice.TotalSeconds, PairedWindows.Settle.TotalMilliseconds);
        PrintPairs(output, $"Paired reading ({variants[0].Name}, the backfill in {slice:F0} s slices by the runner's time budget, each after a {slice:F0} s pause whose first {settle:F0} ms are left out):",
            ("in the pauses", "during the batches"), paired.Pairs.Count, paired.Split(pairedWriters.Samples));
        PrintPairs(output, $"Dual-write cost, paired (no backfill; the sync trigger off for {slice:F0} s, then on for {slice:F0} s, {DualWritePairs.Count} times, the first {settle:F0} ms after each switch left out):",
            ("with the trigger off", "with it on"), dualWrite.Pairs.Count, dualWrite.Split(dualWriters.Samples));
        output.WriteLine();
        output.WriteLine($"writer p99 during the single UPDATE / no backfill: {single.P99 / idle.P99:F0}x");
        output.WriteLine($"machine CPU busy with the writers alone: {idle.CpuBusy:P0}; during the default variant: {runs.FirstOrDefault().Writers?.CpuBusy:P0}");
        // At a fixed rate both send the same writes, so only the closed loop's count says what the trigger costs.
        var writesRatio = load.TotalPerSecond is null ? $"writes without the sync trigger / with it: {(double)noTrigger.Writes / idle.Writes:F2}x in {BaselineWindow.TotalSeconds:F0} s; " : "";
        output.WriteLine($"dual-write cost (goal <= 2x), two separate windows: {writesRatio}writer p99 with / without: {idle.P99 / noTrigger.P99:F2}x (the paired reading above is the figure)");
    }

    /// <summary>The tools weighed against each other, as plan settings over the sample's backfill block; the first is
    /// the default (the p90 sizer with the locked-share cap at 0.3 %), the others trace the trade-off between the
    /// writers' p99 and throughput.</summary>
    private static readonly (string Name, (string Old, string New)[] Edits)[] Variants =
    [
        ("p90 sizer + locked share 0.3% (default)", []),
        ("p90 sizer, no locked-share cap (the old default)", [Setting("max_locked_share: 100%")]),
        ("p90 sizer + locked share 0.5%", [Setting("max_locked_share: 0.5%")]),
        ("p90 sizer + locked share 0.15%", [Setting("max_locked_share: 0.15%")]),
        ("p90 sizer, no cap, pacing 20ms", [Setting("max_locked_share: 100%\n      pause_between_batches: 20ms")]),
        // Pacing on top of the default, to see whether a lower duty of the batches brings the writers' p99 down
        // before the throughput falls under its 0.5x goal (40 ms falls under it: measured 0.36x).
        ("p90 sizer + locked share 0.3%, pacing 20ms", [Setting("pause_between_batches: 20ms")]),
        ("p90 sizer + locked share 0.3%, pacing 40ms", [Setting("pause_between_batches: 40ms")]),
    ];

    private static (string Old, string New) Setting(string line) => ("throttle_pause: 1s", $"throttle_pause: 1s\n      {line}");

    private sealed record Measurement(TimeSpan Elapsed, int Writes, TimeSpan P50, TimeSpan P99, TimeSpan Max, IReadOnlyList<WriteSample> Samples, long Checkpoints, double CpuBusy);

    /// <param name="Completed">False when a time budget ended the run first (checkpointed; the next run resumes).</param>
    internal sealed record BackfillStats(long Batches, TimeSpan LongestBatch, int FirstSize, int LastSize, int LargestSize, TimeSpan Elapsed, bool Completed = true);

    private static void Row(TextWriter output, string what, Measurement m, double? rate, TimeSpan? lockHold) =>
        output.WriteLine($"| {what} | {m.Elapsed.TotalSeconds:F1} s | {(rate is { } r ? $"{r:N0}" : "-")} | {(lockHold is { } l ? $"{l.TotalMilliseconds:N0} ms" : "-")} | {m.Writes:N0} | {Ms(m.P50)} | {Ms(m.P99)} | {Ms(m.Max)} |");

    /// <summary>Where each variant's slow writes came from (<see cref="WriterTailAttribution"/>): a write is slow when it
    /// took longer than the goal, twice the no-backfill p99.</summary>
    private static void PrintAttribution(TextWriter output, Measurement idle, List<(string Name, Measurement Writers, RunTimeline Timeline)> runs)
    {
        var threshold = idle.P99 * 2;
        output.WriteLine();
        output.WriteLine($"Writes slower than 2x the no-backfill p99 ({Ms(threshold)}), by cause (share of all writes; p99 is met when the total is under 1 %):");
        output.WriteLine();
        output.WriteLine($"| variant | slow writes | {string.Join(" | ", WriterTailAttribution.Causes)} | keys in a running batch (all writes) | checkpoints |");
        output.WriteLine($"|---|---:|{string.Concat(WriterTailAttribution.Causes.Select(_ => "---:|"))}---:|---:|");
        foreach (var (name, writers, timeline) in runs)
        {
            var (slow, keyInBatch) = WriterTailAttribution.Attribute(writers.Samples, timeline, threshold);
            string Share(int n) => $"{n:N0} ({100.0 * n / writers.Writes:F2} %)";
            output.WriteLine($"| {name} | {Share(slow.Sum())} | {string.Join(" | ", slow.Select(Share))} | {100 * keyInBatch:F2} % | {writers.Checkpoints} |");
        }
    }

    /// <summary>A paired reading (<see cref="WindowPairs"/>): the writers' p99 in the pairs' second spans over that in
    /// their first, pooled and pair by pair.</summary>
    private static void PrintPairs(TextWriter output, string heading, (string Baseline, string Treatment) spans, int pairs, WindowPairs.Reading reading)
    {
        var (baseline, treatment, ratios) = (reading.Baseline, reading.Treatment, reading.PairRatios);
        output.WriteLine();
        output.WriteLine(heading);
        output.WriteLine();
        output.WriteLine($"| pairs | writes {spans.Baseline} | their p99 | writes {spans.Treatment} | their p99 | pooled ratio (goal <= 2x) | pair ratios min / median / max | pairs within 2x |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        var sorted = ratios.Order().ToList();
        var spread = sorted.Count == 0 ? "-" : $"{sorted[0]:F2}x / {sorted[sorted.Count / 2]:F2}x / {sorted[^1]:F2}x";
        var pooled = Percentile(baseline, 0.99) > TimeSpan.Zero ? $"{Percentile(treatment, 0.99) / Percentile(baseline, 0.99):F2}x" : "-";
        output.WriteLine($"| {pairs} | {baseline.Count:N0} | {Ms(Percentile(baseline, 0.99))} | {treatment.Count:N0} | {Ms(Percentile(treatment, 0.99))} | {pooled} | {spread} | {ratios.Count(r => r <= 2)} of {ratios.Count} |");
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F1} ms";

    /// <summary>Clones the template, runs <paramref name="work"/> while writers hammer the table, and times both.</summary>
    private static async Task<Measurement> MeasureAsync(LocalCluster cluster, WriterLoad load, string database, int rows,
        Func<string, CancellationToken, Task> work, CancellationToken cancellationToken, string? setup = null)
    {
        await ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {database} TEMPLATE bench_template STRATEGY FILE_COPY", cancellationToken);
        var connection = cluster.ConnectionString(database);
        if (setup is not null) await ExecuteAsync(connection, setup, cancellationToken);
        var checkpointsBefore = await CheckpointsAsync(connection, cancellationToken);
        await using var external = load.Pgbench is { } pgbench ? PgbenchWriters.Start(pgbench, connection, rows, Writers, load.TotalPerSecond!.Value) : null;
        using var stop = new CancellationTokenSource();
        var latencies = new List<WriteSample>[Writers];
        var writers = external is not null ? [] : Enumerable.Range(0, Writers).Select(w =>
        {
            latencies[w] = [];
            return Task.Run(() => WriteAsync(connection, rows, load, new Random(w), latencies[w], stop.Token), CancellationToken.None);
        }).ToArray();
        await Task.Delay(external is null ? 500 : 1500, cancellationToken); // writers warm up (pgbench connects first)
        foreach (var list in latencies.OfType<List<WriteSample>>()) lock (list) list.Clear();
        var cpuBefore = MachineCpu.Read();
        await using var waits = Environment.GetEnvironmentVariable("SLUICE_BENCH_WAITS") == "1" ? new WaitEventSampler(connection, "pgbench") : null;
        var walBefore = waits is null ? 0 : await ScalarAsync(connection, WalPosition, cancellationToken);
        var (from, clock) = (DateTime.UtcNow, Stopwatch.StartNew());
        await work(connection, cancellationToken);
        var elapsed = clock.Elapsed;
        var cpuBusy = MachineCpu.Read().BusySince(cpuBefore);
        if (waits is not null)
            Console.WriteLine($"{database}: writers' waits: {await waits.ReportAsync()}; WAL {(await ScalarAsync(connection, WalPosition, cancellationToken) - walBefore) / 1048576.0:F0} MiB");
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        var samples = external is not null ? await external.SamplesAsync(from, from + elapsed) : latencies.SelectMany(l => l).ToList();
        var all = samples.Select(s => s.Duration).Order().ToList();
        if (Environment.GetEnvironmentVariable("SLUICE_BENCH_TIMELINE") == "1" && samples.Count > 0)
        {
            // Diagnostic: the writers' p99 per half second of the run, to see where the slow writes cluster.
            var origin = samples.Min(x => x.Start);
            Console.WriteLine($"{database}: p99 per 0.5 s: " + string.Join(" ", samples.GroupBy(x => (int)(Stopwatch.GetElapsedTime(origin, x.End).TotalSeconds * 2)).OrderBy(g => g.Key)
                .Select(g => $"{Percentile(g.Select(x => x.Duration).Order().ToList(), 0.99).TotalMilliseconds:F0}")));
        }
        var checkpoints = await CheckpointsAsync(connection, cancellationToken) - checkpointsBefore;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(cluster.ConnectionString(), $"DROP DATABASE {database} WITH (FORCE)", cancellationToken);
        return new Measurement(elapsed, all.Count, Percentile(all, 0.50), Percentile(all, 0.99), all[^1], samples, checkpoints, cpuBusy);
    }

    /// <summary>The server's WAL position in bytes: two readings apart give the WAL written between them.</summary>
    private const string WalPosition = "SELECT (pg_current_wal_lsn() - '0/0')::bigint";

    private static Task<Measurement> IdleAsync(LocalCluster cluster, WriterLoad load, int rows, CancellationToken cancellationToken) =>
        MeasureAsync(cluster, load, "bench_idle", rows, (_, ct) => Task.Delay(BaselineWindow, ct), cancellationToken);

    /// <summary>The p99 of the writes due (started) while the backfill's batches ran, however late they ended.</summary>
    private static TimeSpan DuringBatchesP99(Measurement writers, RunTimeline timeline) =>
        Percentile(new Window(timeline.BackfillStart, timeline.BackfillEnd).DurationsDue(writers.Samples), 0.99);

    internal static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Checkpoints the server has made so far (timed and requested): one during a run flushes every dirty page.</summary>
    private static Task<long> CheckpointsAsync(string connectionString, CancellationToken cancellationToken) =>
        ScalarAsync(connectionString, "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter", cancellationToken);

    private static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task WriteAsync(string connectionString, int rows, WriterLoad load, Random random, List<WriteSample> latencies, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        // No timeout: a write queued behind the single UPDATE waits for all of it, which is the figure measured.
        await using var update = new NpgsqlCommand("UPDATE customers SET full_name = $1 WHERE id = $2", connection) { CommandTimeout = 0 };
        update.Parameters.Add(new NpgsqlParameter<string>());
        update.Parameters.Add(new NpgsqlParameter<long>());
        await update.PrepareAsync(CancellationToken.None);
        var schedule = load.Schedule(Writers, random);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var start = await schedule.NextAsync(stop);
            if (start is null) break;
            ((NpgsqlParameter<string>)update.Parameters[0]).TypedValue = $"Writer {i} Name{i % 97}";
            var key = 1 + random.Next(rows);
            ((NpgsqlParameter<long>)update.Parameters[1]).TypedValue = key;
            await update.ExecuteNonQueryAsync(CancellationToken.None);
            var end = Stopwatch.GetTimestamp();
            schedule.Completed(end);
            lock (latencies) latencies.Add(new WriteSample(start.Value, end, key));
        }
    }

    private static Task SingleUpdateAsync(string connectionString, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, "UPDATE customers SET first_name = shop_first_name(full_name), last_name = shop_last_name(full_name)", cancellationToken);

    internal static async Task<BackfillStats> BatchedAsync(string connectionString, string pipelines, CancellationToken cancellationToken, RunTimeline? timeline = null,
        TimeSpan? timeBudget = null)
    {
        // The template already holds the expand phase, which re-runs as a no-op; the backfill is timed on its own.
        await using var target = new PostgresMigrationDatabase(connectionString);
        long batches = 0;
        var longest = TimeSpan.Zero;
        int first = 0, last = 0, largest = 0;
        var clock = new Stopwatch();
        var backfillTime = TimeSpan.Zero;
        var progress = new Progress(report =>
        {
            var now = Stopwatch.GetTimestamp();
            if (report is { Step: MigrationStep.PhaseStarted, Phase: "backfill_split_name" })
            {
                clock.Start();
                timeline?.BackfillStart = now;
            }
            if (report.Step == MigrationStep.Backfill)
            {
                backfillTime = clock.Elapsed;
                timeline?.BackfillEnd = now;
            }
            if (report is not { Step: MigrationStep.Backfill, Backfill: { LastBatchTime: { } time } b }) return;
            var lower = timeline?.Batches.Count > 0 ? timeline.Batches[^1].Upper : 0;
            timeline?.Batches.Add(new BatchWindow(lower, b.LastKey ?? lower, now - (long)(time.TotalSeconds * Stopwatch.Frequency), now));
            batches = b.Batches;
            if (time > longest) longest = time;
            if (first == 0) first = b.BatchSize;
            last = b.BatchSize;
            largest = Math.Max(largest, b.BatchSize);
        });
        var result = await target.Service().MigrateAsync(new MigrationRequest(pipelines, null, "bench", TimeBudget: timeBudget,
            By: new RunnerIdentity("bench", Environment.MachineName, null)), progress, cancellationToken);
        var stopped = timeBudget is not null && result.Outcome == MigrationOutcome.Incomplete;
        if (result.Outcome != MigrationOutcome.Completed && !stopped) throw new InvalidOperationException(result.Summary);
        return new BackfillStats(batches, longest, first, last, largest, backfillTime, Completed: !stopped);
    }

    /// <summary>Reports synchronously, so the figures are complete when the run returns.</summary>
    private sealed class Progress(Action<MigrationProgress> report) : IProgress<MigrationProgress>
    {
        public void Report(MigrationProgress value) => report(value);
    }

    internal static async Task CreateTemplateAsync(LocalCluster cluster, string root, int rows, CancellationToken cancellationToken)
    {
        await ExecuteAsync(cluster.ConnectionString(), "CREATE DATABASE bench_template", cancellationToken);
        var template = cluster.ConnectionString("bench_template");
        await ExecuteAsync(template, await File.ReadAllTextAsync(Path.Combine(root, "pipelines", "shop", "schema", "0000_base.sql"), cancellationToken), cancellationToken);
        await ExecuteAsync(template, $"""
            INSERT INTO customers (full_name, email, created_at)
            SELECT (ARRAY['Ada', 'Alan', 'Grace', 'Ken'])[1 + g % 4] || ' ' || (ARRAY['Lovelace', 'de Turing', 'Hopper'])[1 + g % 3],
                   'bench' || g || '@example.com', timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => g)
            FROM generate_series(1, {rows - 2000}) AS g;
            """, cancellationToken);
        // The expand phase (columns, split functions, sync trigger), so both contenders start from the same state.
        await ExecuteAsync(template, await File.ReadAllTextAsync(Path.Combine(SampleFolder(root), "01_add_split_columns.up.sql"), cancellationToken), cancellationToken);
        await ExecuteAsync(template, "VACUUM ANALYZE customers; CHECKPOINT", cancellationToken);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A pipelines folder holding the sample plan cut down to its expand (re-runnable: IF NOT EXISTS) and backfill.</summary>
    internal static string SamplePipelines(string root, (string Old, string New)[]? edits = null)
    {
        var pipelines = Path.Combine(Path.GetTempPath(), $"sluice-bench-{Guid.NewGuid():N}");
        var folder = Path.Combine(pipelines, "shop", "migrations", "0001_split_customer_name");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(SampleFolder(root))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var plan = Path.Combine(folder, "plan.yaml");
        var yaml = File.ReadAllText(plan);
        yaml = yaml[..yaml.IndexOf("  - name: index_last_name", StringComparison.Ordinal)];
        foreach (var (old, replacement) in edits ?? []) yaml = yaml.Replace(old, replacement, StringComparison.Ordinal);
        File.WriteAllText(plan, yaml);
        return pipelines;
    }

    private static string SampleFolder(string root) => Path.Combine(root, "pipelines", "shop", "migrations", "0001_split_customer_name");

    internal static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

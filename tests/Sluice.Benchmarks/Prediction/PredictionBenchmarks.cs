using System.Diagnostics;
using Npgsql;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Migrations.Status;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Benchmarks.Prediction;

/// <summary>
/// Issue 20 item 7: rehearse a three-phase plan (expand with a sync trigger, backfill, index build) on synthetic data at
/// a tenth of production (100k of 1M rows), then Promote it on the 1M-row database and compare each phase's predicted
/// duration with the one journaled (step 14). Goal: within ±25 % per phase.
/// </summary>
public sealed class PredictionBenchmarks : IBenchmarkSuite
{
    private const string Schema = """
        CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL CHECK (price >= 0), qty integer);
        """;

    private static readonly (string File, string Text)[] Plan =
    [
        ("plan.yaml", """
            id: 0001_split_name
            owner: bench
            risk: low
            description: adds items.word, backfills it, indexes it
            max_partial_state: 1h
            phases:
              - name: add_word
                kind: expand
                up: add.up.sql
                down: add.down.sql
              - name: backfill_word
                kind: backfill
                backfill:
                  table: items
                  key: id
                  batch: backfill.batch.sql
                  max_batch_size: 5000
              - name: index_word
                kind: expand
                up: index.up.sql
                down: index.down.sql
                statement_timeout: 10m
            """),
        ("index.up.sql", "CREATE INDEX IF NOT EXISTS items_word_idx ON items (word);\n"),
        ("index.down.sql", "DROP INDEX IF EXISTS items_word_idx;\n"),
    ];

    /// <summary>Rounds of rehearsal and Promote (SLUICE_BENCH_ROUNDS, default 3).</summary>
    private static int Rounds => int.TryParse(Environment.GetEnvironmentVariable("SLUICE_BENCH_ROUNDS"), out var n) && n > 0 ? n : 3;

    public string Name => "prediction";

    public string Description => "rehearse at 100k rows, predict the 1M-row Promote per phase, measure it (error per phase; goal ±25 %)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var rows = context.Large ? 10_000_000 : 1_000_000;
        const double Scale = 0.1;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, new Dictionary<string, string>
        {
            ["shared_buffers"] = "512MB", ["max_wal_size"] = "4GB",
        });
        var folder = Path.Combine(Path.GetTempPath(), $"sluice-bench-prediction-{Environment.ProcessId}");
        var service = Path.Combine(folder, "pipelines", "items");
        try
        {
            var migration = Path.Combine(service, "migrations", "0001_split_name");
            Directory.CreateDirectory(migration);
            Directory.CreateDirectory(Path.Combine(service, "schema"));
            foreach (var (file, text) in Plan) await File.WriteAllTextAsync(Path.Combine(migration, file), text, cancellationToken);
            // The expand and the batch are the rehearsal fixture's (a sync trigger and a keyset UPDATE).
            var fixture = Path.Combine(context.RepositoryRoot, "tests", "Fixtures", "rehearsal", "backfill-with-trigger", "migrations", "0001_split_name");
            foreach (var file in new[] { "add.up.sql", "add.down.sql", "backfill.batch.sql" })
                File.Copy(Path.Combine(fixture, file), Path.Combine(migration, file));
            await File.WriteAllTextAsync(Path.Combine(service, "schema", "0000_base.sql"), Schema, cancellationToken);

            await Execute(cluster.ConnectionString(), "CREATE DATABASE production", cancellationToken);
            var production = cluster.ConnectionString("production");
            await Execute(production, Schema + $"""
                INSERT INTO items (id, name, price, qty)
                SELECT g, 'item ' || (g % 5000) || ' of batch ' || (g % 17), round(((g * 37) % 10000) / 100.0, 2), CASE WHEN g % 10 = 0 THEN NULL ELSE g % 50 END
                FROM generate_series(1, {rows}) AS g;
                ANALYZE items;
                """, cancellationToken);
            var profile = await PostgresProfiler.ReadAsync(production, new ProfileOptions("production"), cancellationToken);

            // Several rounds, each a rehearsal and two Promotes: one 10 s phase on this virtual machine moves by about
            // ±20 % between back-to-back runs of the same code (both sides of the comparison), so one round's error is
            // mostly that spread. The summary takes each phase's median error over the rounds.
            var errors = new Dictionary<string, List<(double Beside, double Alone)>>(StringComparer.Ordinal);
            var rounds = Rounds;
            for (var round = 1; round <= rounds; round++)
            {
                output.WriteLine();
                output.WriteLine($"### round {round} of {rounds}");
                foreach (var (phase, beside, alone) in await RoundAsync(output, cluster, production, service, folder, profile, rows, Scale, cancellationToken))
                    (errors.TryGetValue(phase, out var list) ? list : errors[phase] = []).Add((beside, alone));
            }
            output.WriteLine();
            output.WriteLine($"| phase | error per round, beside the workload | median (goal ±25 %) | error per round, alone | median |");
            output.WriteLine("|---|---:|---:|---:|---:|");
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToList();
                return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            }
            foreach (var (phase, list) in errors)
                output.WriteLine($"| {phase} | {string.Join(", ", list.Select(e => Percent(e.Beside)))} | {Percent(Median(list.Select(e => e.Beside)))} | {string.Join(", ", list.Select(e => Percent(e.Alone)))} | {Percent(Median(list.Select(e => e.Alone)))} |");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One round: rehearse, record the evidence, Promote two copies, print the round's table; returns each
    /// phase's error (predicted over actual, minus one) beside the workload and alone.</summary>
    private static async Task<List<(string Phase, double Beside, double Alone)>> RoundAsync(TextWriter output, LocalCluster cluster, string production,
        string service, string folder, DataProfile profile, int rows, double scale, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var report = await new PostgresRehearsalService(new EphemeralDatabases(cluster.ConnectionString())).RehearseAsync(
            new RehearsalRequest(service, "production", profile, new HashSet<string>(), Synthetic: new SyntheticOptions(Scale: scale),
                Workload: new WorkloadOptions(Runs: 1, Seed: 7)), cancellationToken);
        var rehearsal = clock.Elapsed;
        await using (var pool = NpgsqlDataSource.Create(production))
            await PostgresRehearsalEvidence.RecordAsync(pool, report, RehearsalReportFiles.ToJson(report), cancellationToken);

        // Two Promotes of copies of the same database and evidence: one alone, and one beside the workload the
        // rehearsal plays beside every phase (PhaseObserver: a read and a touching write every 5 ms, a pg_locks
        // sample every 5 ms), which stands in for production's own traffic and which the prediction therefore
        // carries. (Beside its script phases the rehearsal writes the seeded workload's real values; this one
        // writes values that change nothing: the same rate, not the same writes.)
        // Both are copies, each Promoted after a checkpoint, so neither finds the other's dirty pages to write or
        // the load's pages in shared buffers; the one beside the workload goes first, the one alone second.
        NpgsqlConnection.ClearAllPools(); // the rehearsal's and the evidence's pooled sessions would block the copy
        foreach (var copy in new[] { "production_beside", "production_alone" })
        {
            await Execute(cluster.ConnectionString(), $"DROP DATABASE IF EXISTS {copy} WITH (FORCE)", cancellationToken);
            await Execute(cluster.ConnectionString(), $"CREATE DATABASE {copy} TEMPLATE production STRATEGY FILE_COPY", cancellationToken);
        }
        await Execute(cluster.ConnectionString(), "CHECKPOINT", cancellationToken);
        var (besideWorkload, promoteBeside) = await PromoteAsync(cluster.ConnectionString("production_beside"), folder, beside: true, cancellationToken);
        await Execute(cluster.ConnectionString(), "CHECKPOINT", cancellationToken);
        var (alone, promote) = await PromoteAsync(cluster.ConnectionString("production_alone"), folder, beside: false, cancellationToken);
        NpgsqlConnection.ClearAllPools();

        output.WriteLine($"rehearsal of {report.SyntheticRows:N0} synthetic rows (scale {report.Scale:0.###}) in {rehearsal.TotalSeconds:F1} s; Promote on {rows:N0} rows in {promote.TotalSeconds:F1} s alone, {promoteBeside.TotalSeconds:F1} s beside the rehearsal's workload");
        output.WriteLine();
        output.WriteLine($"| phase | rehearsed ({report.SyntheticRows / 1000:N0}k) | predicted ({rows / 1000:N0}k) | actual beside the workload | error | actual alone | error |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var errors = new List<(string, double, double)>();
        foreach (var phase in report.Phases)
        {
            var b = besideWorkload.Durations.Single(d => d.Phase == phase.Phase && d.PlanHash == report.Plans[0].Hash);
            var a = alone.Durations.Single(d => d.Phase == phase.Phase && d.PlanHash == report.Plans[0].Hash);
            static string Actual(PhaseDuration d) => $"{d.Actual!.Value.TotalMilliseconds:F0} ms | {Percent(-(d.Error ?? 0))}";
            output.WriteLine($"| {phase.Phase} | {phase.Duration.TotalMilliseconds:F0} ms | {b.Predicted!.Value.TotalMilliseconds:F0} ms | {Actual(b)} | {Actual(a)} |");
            errors.Add((phase.Phase, -(b.Error ?? 0), -(a.Error ?? 0)));
        }
        output.WriteLine();
        foreach (var phase in report.Phases) output.WriteLine($"{phase.Phase}: {string.Join("; ", phase.PredictionBasis)}");
        return errors;
    }

    /// <summary>An error (predicted over actual, minus one) as a signed percentage.</summary>
    private static string Percent(double error) => $"{error * 100:+0;-0;0} %";

    private static async Task<(MigrationStatusReport Status, TimeSpan Elapsed)> PromoteAsync(string connectionString, string folder, bool beside,
        CancellationToken cancellationToken)
    {
        await using var database = new PostgresMigrationDatabase(connectionString);
        var request = new MigrationRequest(Path.Combine(folder, "pipelines"), "items", "production", By: new RunnerIdentity("bench", Environment.MachineName, null));
        IReadOnlyList<(string Table, string Column)> tables = [];
        if (beside)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            tables = await WorkloadStatements.TablesAsync(connection, cancellationToken);
        }
        var clock = Stopwatch.StartNew();
        await using (beside ? PhaseObserver.Start(connectionString, tables, null, cancellationToken) : null)
            await database.Service().MigrateAsync(request, null, cancellationToken);
        var elapsed = clock.Elapsed;
        return (await database.Service().StatusAsync(request, cancellationToken), elapsed);
    }

    private static async Task Execute(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

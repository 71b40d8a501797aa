using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Sluice.Drills;
using Sluice.Drills.Scenarios;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Drills;
using Sluice.Secrets;

namespace Sluice.Benchmarks.Drills;

/// <summary>
/// Issue 23's figures: the time to restore of the drills that need no plan (corrupted-table, lost-primary), run by the
/// real <see cref="DrillRunner"/> on real copies, beside a plain <c>pg_restore</c> of the same archive into an empty
/// database measured in the same run. The corrupted-table drill's recovery restores that archive (<c>pg_restore --clean</c>)
/// and then compares the data down to the keys; the lost-primary drill promotes a streaming standby. No service is
/// started, so the times cover the data only. The plan drills (killed-backfill, failed-contract) need the sample's
/// plans and Shop: their figures come from <c>DrillCommandLineTests</c>' commands (docs/benchmarks.md).
/// </summary>
public sealed class DrillBenchmarks : IBenchmarkSuite
{
    private const int Repeats = 3;
    private static readonly RunnerIdentity By = new("bench", Environment.MachineName, null);
    private static readonly ServicePlans Plans = new("bench", Path.Combine(Path.GetTempPath(), "bench"), []);

    public string Name => "drills";

    public string Description => "time to restore of the corrupted-table and lost-primary drills beside a plain pg_restore of the same data";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var rows = context.Large ? 1_000_000 : 100_000;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var server = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
        var databases = new EphemeralDatabases(server.ConnectionString());
        await using var source = await databases.CreateEmptyAsync(cancellationToken);
        await ExecuteAsync(source.ConnectionString, Seed(rows), cancellationToken);
        var archive = Path.Combine(Path.GetTempPath(), $"sluice-drill-bench-{Environment.ProcessId}.dump");
        try
        {
            await RunAsync(toolchain, "pg_dump", [.. Connection(server), "-Fc", "-f", archive, source.Name], server, cancellationToken);
            var plain = new List<TimeSpan>();
            var corrupted = new List<DrillResult>();
            var lost = new List<DrillResult>();
            for (var i = 0; i < Repeats; i++)
            {
                await using (var target = await databases.CreateEmptyAsync(cancellationToken))
                {
                    var clock = Stopwatch.StartNew();
                    await RunAsync(toolchain, "pg_restore", [.. Connection(server), "--no-owner", "--no-privileges", "-d", target.Name, archive], server, cancellationToken);
                    plain.Add(clock.Elapsed);
                }
                corrupted.Add(await CorruptedTableAsync(toolchain, server, databases, source, archive, cancellationToken));
                lost.Add(await LostPrimaryAsync(toolchain, server, databases, source, archive, cancellationToken));
            }
            var baseline = Median(plain);
            output.WriteLine();
            output.WriteLine($"{rows:N0} rows in public.orders (archive {new FileInfo(archive).Length / (1024.0 * 1024.0):F1} MiB); median of {Repeats}; ratio against a plain pg_restore:");
            Row(output, "plain pg_restore into an empty database", baseline, baseline, "rows lost -");
            Row(output, "corrupted-table drill (pg_restore --clean, diff)", Median(corrupted.Select(r => r.TimeToRestore ?? TimeSpan.Zero).ToList()), baseline,
                $"rows lost {string.Join("/", corrupted.Select(r => r.RowsLost))}, {string.Join("/", corrupted.Select(r => Runbook.Word(r.Outcome)))}");
            Row(output, "lost-primary drill (promote standby, diff)", Median(lost.Select(r => r.TimeToRestore ?? TimeSpan.Zero).ToList()), baseline,
                $"rows lost {string.Join("/", lost.Select(r => r.RowsLost))} of 1,000 writes, {string.Join("/", lost.Select(r => Runbook.Word(r.Outcome)))}");
        }
        finally
        {
            File.Delete(archive);
        }
    }

    private static async Task<DrillResult> CorruptedTableAsync(PostgresToolchain toolchain, LocalCluster server, EphemeralDatabases databases,
        EphemeralDatabase source, string archive, CancellationToken cancellationToken)
    {
        var working = await databases.CloneAsync(source, cancellationToken);
        var reference = await databases.CloneAsync(source, cancellationToken);
        Func<string, CancellationToken, Task<string>> restore = async (target, ct) =>
        {
            await RunAsync(toolchain, "pg_restore", [.. Connection(server), "--clean", "--if-exists", "--no-owner", "--no-privileges", "-d", new NpgsqlConnectionStringBuilder(target).Database!, archive], server, ct);
            return "the benchmark's archive";
        };
        var copies = new PostgresDrillCopies(Copy(working, restore), Copy(reference, restore), "a clone of the seeded database");
        return await RunDrillAsync(new CorruptedTableScenario(), copies, cancellationToken);
    }

    private static async Task<DrillResult> LostPrimaryAsync(PostgresToolchain toolchain, LocalCluster server, EphemeralDatabases databases,
        EphemeralDatabase source, string archive, CancellationToken cancellationToken)
    {
        var standby = await PostgresDrillStandby.StartAsync(toolchain, cancellationToken);
        var working = await new EphemeralDatabases(standby.AdminConnectionString).CreateEmptyAsync(cancellationToken);
        var primary = new NpgsqlConnectionStringBuilder(standby.AdminConnectionString);
        var restored = await toolchain.RunClientProgramAsync("pg_restore",
            ["-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", primary.Username!, "--no-owner", "--no-privileges", "-d", working.Name, archive],
            cancellationToken, new Dictionary<string, string> { ["PGPASSWORD"] = primary.Password! });
        if (!restored.Succeeded) throw new InvalidOperationException($"pg_restore onto the drill's primary failed: {restored.Output}");
        var reference = await databases.CloneAsync(source, cancellationToken);
        var copies = new PostgresDrillCopies(Copy(working, NoSnapshot, standby), Copy(reference, NoSnapshot), "the seeded archive");
        return await RunDrillAsync(new LostPrimaryScenario(), copies, cancellationToken);
    }

    private static Task<DrillResult> RunDrillAsync(IDrillScenario scenario, IDrillCopies copies, CancellationToken cancellationToken) =>
        new DrillRunner(new BenchDrills(copies), service: null).RunAsync(scenario, "bench", Plans, By, null, cancellationToken);

    private static PostgresDrillCopy Copy(EphemeralDatabase database, Func<string, CancellationToken, Task<string>> restore, PostgresDrillStandby? standby = null) =>
        new(database, Plans, By, SecretValues.None, restore, standby);

    private static Task<string> NoSnapshot(string target, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the lost-primary drill restores no snapshot");

    private static string Seed(int rows) => string.Create(CultureInfo.InvariantCulture,
        $"CREATE TABLE public.orders (id bigint PRIMARY KEY, customer int NOT NULL, total numeric(10,2) NOT NULL, note text NOT NULL); INSERT INTO public.orders SELECT g, g % 997, (g % 10000) / 100.0, md5(g::text) FROM generate_series(1, {rows}) g;");

    private static string[] Connection(LocalCluster server) => ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Superuser];

    private static async Task RunAsync(PostgresToolchain toolchain, string program, string[] arguments, LocalCluster server, CancellationToken cancellationToken)
    {
        var result = await toolchain.RunClientProgramAsync(program, arguments, cancellationToken,
            new Dictionary<string, string> { ["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(server.ConnectionString()).Password! });
        if (!result.Succeeded) throw new InvalidOperationException($"{program} failed: {result.Output}");
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        // Unpooled: the seeded database is cloned as a template afterwards, which needs it free of sessions.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static void Row(TextWriter output, string what, TimeSpan time, TimeSpan baseline, string note) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-52} {time.TotalSeconds,7:F2} s  {time / baseline,5:F2}x  {note}"));

    /// <summary>The copies made above; the evidence is kept in memory (the figures are printed, not journaled).</summary>
    private sealed class BenchDrills(IDrillCopies copies) : IEnvironmentDrills, IDrillJournal
    {
        private readonly List<DrillResult> _results = [];

        public IDrillJournal Journal => this;

        public Task RecordAsync(DrillResult result, CancellationToken cancellationToken)
        {
            _results.Add(result);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DrillResult>> ListAsync(string environment, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DrillResult>>([.. _results]);

        public Task<DrillResult?> LatestAsync(string environment, string scenario, CancellationToken cancellationToken) =>
            Task.FromResult(_results.LastOrDefault(r => r.Scenario == scenario));

        public Task<IDrillCopies> CopyAsync(DrillNeeds needs, CancellationToken cancellationToken) => Task.FromResult(copies);
    }
}

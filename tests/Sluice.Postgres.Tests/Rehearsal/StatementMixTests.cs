using System.Diagnostics;
using Npgsql;
using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>A cluster with <c>pg_stat_statements</c> preloaded, as a production server that records its statements.</summary>
public sealed class StatementStatsPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings { get; } = new Dictionary<string, string>
    {
        ["shared_preload_libraries"] = "pg_stat_statements",
        ["pg_stat_statements.track"] = "top",
    };
}

/// <summary>
/// Traffic like production's: a real application workload runs on a "production" database of the
/// <c>statement-mix</c> fixture's schema while the profile watches <c>pg_stat_statements</c> for two seconds; the
/// profile keeps the statement shapes, counts, rates and generic plans (never a value); the rehearsal replays them
/// beside the plan's phase, reports achieved against recorded rates, and compares plans on the synthetic data.
/// </summary>
public sealed class StatementMixTests(StatementStatsPostgresFixture stats, PostgresFixture plain) : IClassFixture<StatementStatsPostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Fixture = FixtureRehearsal.Folder("statement-mix");
    private const string SecretStatus = "secret-status-7f3a";

    [Fact]
    public async Task The_profile_records_the_mix_and_the_rehearsal_replays_it_with_the_same_plans()
    {
        var (profile, made) = await ProfileUnderWorkloadAsync(extraIndex: false);

        var mix = Assert.IsType<StatementMix>(profile.Statements);
        Assert.True(mix.Readable, mix.Unreadable);
        Assert.Equal(StatementMix.FromReadings, mix.WindowFrom);
        Assert.Equal(5, mix.Statements.Count);
        Assert.All(mix.Statements, s =>
        {
            Assert.Contains("$1", s.Query, StringComparison.Ordinal);
            Assert.NotNull(s.Plan);
            Assert.True(s.Calls > 0 && s.CallsPerSecond > 0, s.Query);
        });
        // Shapes only: neither the literal in the text nor a parameter sent reaches the profile.
        var json = ProfileFile.ToJson(profile);
        Assert.DoesNotContain(SecretStatus, json, StringComparison.Ordinal);
        Assert.DoesNotContain("ref-1234", json, StringComparison.Ordinal);
        Assert.Equal(profile.Statements, ProfileFile.FromJson(json, "production.json").Statements, new MixComparer());
        // The rate is the application's: within a factor of two of what the workload made over the window.
        var byCustomer = mix.Statements.Single(s => s.Query.Contains("customer_id = $1", StringComparison.Ordinal));
        Assert.Contains(byCustomer.Plan!, l => l.Contains("orders_customer_idx", StringComparison.Ordinal));
        Assert.InRange(byCustomer.CallsPerSecond, made / 2, made * 2);

        var report = await RehearseAsync(profile);
        Assert.True(report.Passed, string.Join("\n", report.Findings.Select(f => $"{f.Rule}: {f.Message}")));
        var fidelity = Assert.IsType<Sluice.Rehearsal.Traffic.PlannerFidelity>(report.Fidelity);
        Assert.Equal(5, fidelity.Compared);
        Assert.True(fidelity.Ratio >= 0.95, string.Join("\n", fidelity.Statements.Where(s => !s.Same).Select(s => s.Why)));
        Assert.Equal(5, report.Replay.Count);
        foreach (var rate in report.Replay)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"replay {rate.Query}: recorded {rate.RecordedPerSecond}/s, target {rate.TargetPerSecond}/s, achieved {rate.AchievedPerSecond}/s, {rate.Calls} calls, {rate.Errors} errors");
            Assert.True(rate.TargetPerSecond <= rate.RecordedPerSecond + 1e-9);
            Assert.InRange(rate.Ratio, 0.5, 1.2);
            Assert.True(rate.Errors * 10 <= rate.Calls, $"{rate.Query}: {rate.Errors} of {rate.Calls} refused");
        }
        // Each target is reported rounded to 4 decimals: the sum may pass the bound by half a unit of the last place per shape.
        Assert.True(report.Replay.Sum(r => r.TargetPerSecond) <= new ReplayOptions().PerSecond + report.Replay.Count * 0.00005 + 1e-9);
        TestContext.Current.TestOutputHelper?.WriteLine($"fidelity {fidelity.Same}/{fidelity.Compared}");
        Assert.Contains("Planner fidelity: 5 of 5", RehearsalReportFiles.ToMarkdown(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_only_production_has_makes_a_plan_differ_and_is_named()
    {
        var (profile, _) = await ProfileUnderWorkloadAsync(extraIndex: true);
        var report = await RehearseAsync(profile);

        var fidelity = Assert.IsType<Sluice.Rehearsal.Traffic.PlannerFidelity>(report.Fidelity);
        Assert.Equal(5, fidelity.Compared);
        Assert.Equal(4, fidelity.Same);
        var differs = Assert.Single(report.Findings, f => f.Rule == "plan-differs");
        Assert.Contains("orders_reference_idx", differs.Message, StringComparison.Ordinal);
        Assert.Contains("Seq Scan on public.orders", differs.Message, StringComparison.Ordinal);
        // 80 % is below the 95 % goal: the rehearsal fails, and with it the rehearsal gate.
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f is { Rule: "plan-fidelity", Severity: FindingSeverity.Error });
    }

    [Fact]
    public async Task A_database_without_pg_stat_statements_is_profiled_and_says_so()
    {
        await using var database = await plain.CreateEmptyDatabaseAsync(Ct);
        await TestSql.ExecuteAsync(database.ConnectionString, await File.ReadAllTextAsync(Path.Combine(Fixture, "schema", "0000_base.sql"), Ct), Ct);
        var profile = await PostgresProfiler.ReadAsync(database.ConnectionString, new ProfileOptions("production"), Ct);

        Assert.Equal(2, profile.Tables.Count);
        var mix = Assert.IsType<StatementMix>(profile.Statements);
        Assert.False(mix.Readable);
        Assert.Contains("pg_stat_statements is not installed", mix.Unreadable, StringComparison.Ordinal);
        Assert.Empty(mix.Statements);
        Assert.False(ProfileFile.FromJson(ProfileFile.ToJson(profile), "production.json").Statements!.Readable);
    }

    // "Production": the schema's seed rows, pg_stat_statements, and an application that runs five statement shapes
    // while the profile takes its two readings. Returns the profile and the rate the workload made each shape at.
    private async Task<(DataProfile Profile, double PerShapePerSecond)> ProfileUnderWorkloadAsync(bool extraIndex)
    {
        await using var production = await stats.CreateEmptyDatabaseAsync(Ct);
        await TestSql.ExecuteAsync(production.ConnectionString, "CREATE EXTENSION pg_stat_statements", Ct);
        await TestSql.ExecuteAsync(production.ConnectionString, await File.ReadAllTextAsync(Path.Combine(Fixture, "schema", "0000_base.sql"), Ct), Ct);
        if (extraIndex) await TestSql.ExecuteAsync(production.ConnectionString, "CREATE INDEX orders_reference_idx ON orders (reference)", Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var rounds = 0;
        var clock = Stopwatch.StartNew();
        var application = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(production.ConnectionString);
            await connection.OpenAsync(Ct);
            var random = new Random(11);
            while (!stop.IsCancellationRequested)
            {
                var order = random.Next(1, 20001);
                await RunAsync(connection, "SELECT id, customer_id, status, total FROM orders WHERE id = $1", order);
                await RunAsync(connection, "SELECT id, total FROM orders WHERE customer_id = $1", random.Next(1, 2001));
                await RunAsync(connection, "UPDATE orders SET status = $1 WHERE id = $2", "paid", order);
                await RunAsync(connection, $"SELECT count(*) FROM orders WHERE status = '{SecretStatus}'");
                await RunAsync(connection, "SELECT id FROM orders WHERE reference = $1", $"ref-{order}");
                Interlocked.Increment(ref rounds);
                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { break; }
            }
        }, CancellationToken.None);
        await Task.Delay(500, Ct);
        var before = Volatile.Read(ref rounds);
        var watched = Stopwatch.StartNew();
        var profile = await PostgresProfiler.ReadAsync(production.ConnectionString, new ProfileOptions("production", StatementWindow: TimeSpan.FromSeconds(2)), Ct);
        var made = (Volatile.Read(ref rounds) - before) / watched.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await application;
        NpgsqlConnection.ClearAllPools();
        return (profile, made);
    }

    private static async Task RunAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(Ct);
    }

    // The rehearsal runs on the plain cluster, as it would beside production: it needs no pg_stat_statements.
    private Task<RehearsalReport> RehearseAsync(DataProfile profile) =>
        new PostgresRehearsalService(plain.Databases).RehearseAsync(
            new RehearsalRequest(Fixture, "staging", profile, new HashSet<string>(), Workload: FixtureRehearsal.OneRun), Ct);

    private sealed class MixComparer : IEqualityComparer<StatementMix?>
    {
        public bool Equals(StatementMix? x, StatementMix? y) =>
            x is not null && y is not null && x.Readable == y.Readable && x.WindowSeconds == y.WindowSeconds
            && x.Statements.Select(s => (s.Id, s.Query, s.Calls, string.Join('|', s.Tables), string.Join('|', s.Plan ?? []))).SequenceEqual(
                y.Statements.Select(s => (s.Id, s.Query, s.Calls, string.Join('|', s.Tables), string.Join('|', s.Plan ?? []))));

        public int GetHashCode(StatementMix? obj) => 0;
    }
}

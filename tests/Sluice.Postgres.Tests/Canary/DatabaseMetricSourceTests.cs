using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Postgres.Canary;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Canary;

/// <summary>A cluster that logs what <see cref="DatabaseMetricSource"/> reads, with a short <c>deadlock_timeout</c>
/// so lock waits and deadlocks are logged within a test's patience.</summary>
public sealed class CsvLogPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings { get; } =
        new Dictionary<string, string>(DatabaseMetricSource.RequiredSettings) { ["deadlock_timeout"] = "100ms" };
}

/// <summary>
/// The database's own signals per version against a real PostgreSQL: v2's sessions (application_name
/// <c>shop-v2</c>) raise a unique violation, a division by zero and a deadlock, and wait on a lock; v1's only read.
/// Each is counted for its version, by SQLSTATE; a server that does not log them, or cannot be reached, is an error.
/// </summary>
public sealed class DatabaseMetricSourceTests(CsvLogPostgresFixture logging, PostgresFixture plain) : IClassFixture<CsvLogPostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CanaryDefinition Definition = new()
    {
        Steps = [new() { Weight = 50, Interval = TimeSpan.FromSeconds(10) }, new() { Weight = 100, Interval = TimeSpan.FromSeconds(10) }],
        Metrics =
        [
            new() { Name = "sql_errors", Source = MetricCatalog.Database, Metric = MetricCatalog.SqlStateErrors, Max = 0 },
            new() { Name = "deadlocks", Source = MetricCatalog.Database, Max = 0 },
            new() { Name = "lock_waits", Source = MetricCatalog.Database, Max = 0 },
        ],
        ApplicationName = "shop-v{version}",
    };

    [Fact]
    public async Task Counts_errors_by_sqlstate_deadlocks_and_lock_waits_per_version()
    {
        await using var database = await logging.CreateEmptyDatabaseAsync(Ct);
        await using (var setup = await OpenAsync(database.ConnectionString, "setup"))
            await TestSql.ExecuteAsync(setup, "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO accounts VALUES (1, 0), (2, 0)", Ct);
        var start = DateTimeOffset.UtcNow;

        await using var v1 = await OpenAsync(database.ConnectionString, "shop-v1");
        await TestSql.ExecuteAsync(v1, "SELECT sum(balance) FROM accounts", Ct);
        await using var a = await OpenAsync(database.ConnectionString, "shop-v2");
        await using var b = await OpenAsync(database.ConnectionString, "shop-v2");
        await Assert.ThrowsAsync<PostgresException>(() => TestSql.ExecuteAsync(a, "INSERT INTO accounts VALUES (1, 0)", Ct));
        await Assert.ThrowsAsync<PostgresException>(() => TestSql.ExecuteAsync(a, "SELECT 1 / 0", Ct));

        // a and b take the two rows in opposite orders: one waits on the other's lock, and one of them is the deadlock's victim.
        await TestSql.ExecuteAsync(a, "BEGIN; UPDATE accounts SET balance = 1 WHERE id = 1", Ct);
        await TestSql.ExecuteAsync(b, "BEGIN; UPDATE accounts SET balance = 1 WHERE id = 2", Ct);
        var first = TestSql.ExecuteAsync(a, "UPDATE accounts SET balance = 2 WHERE id = 2", Ct);
        await Task.Delay(300, Ct);
        var second = TestSql.ExecuteAsync(b, "UPDATE accounts SET balance = 2 WHERE id = 1", Ct);
        var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));
        Assert.Contains(PostgresErrorCodes.DeadlockDetected, outcomes);
        await TestSql.ExecuteAsync(a, "ROLLBACK", Ct);
        await TestSql.ExecuteAsync(b, "ROLLBACK", Ct);

        var source = new DatabaseMetricSource(database.ConnectionString, Definition);
        IReadOnlyList<MetricObservation> seen = [];
        for (var tries = 0; tries < 50; tries++)
        {
            // The logging collector writes asynchronously.
            seen = await source.ObserveAsync(new MetricWindow(start, DateTimeOffset.UtcNow), Ct);
            if (Value(seen, MetricCatalog.Deadlocks, ServiceVersion.Canary) >= 1) break;
            await Task.Delay(100, Ct);
        }

        Assert.Equal(3, Value(seen, MetricCatalog.SqlStateErrors, ServiceVersion.Canary)); // 23505, 22012, 40P01
        Assert.Equal(1, Value(seen, "sqlstate_errors.23505", ServiceVersion.Canary));
        Assert.Equal(1, Value(seen, "sqlstate_errors.22012", ServiceVersion.Canary));
        Assert.Equal(1, Value(seen, MetricCatalog.Deadlocks, ServiceVersion.Canary));
        Assert.True(Value(seen, MetricCatalog.LockWaits, ServiceVersion.Canary) >= 1);
        Assert.Equal(2, seen.First(o => o is { Metric: MetricCatalog.SqlStateErrors, Version: ServiceVersion.Canary }).Count);
        foreach (var metric in MetricCatalog.Fixed[MetricCatalog.Database])
            Assert.Equal(0, Value(seen, metric, ServiceVersion.Baseline));
        Assert.Equal(1, seen.First(o => o is { Metric: MetricCatalog.SqlStateErrors, Version: ServiceVersion.Baseline }).Count);

        var step = StepJudge.Judge(Definition, 1, new MetricWindow(start, DateTimeOffset.UtcNow),
            new Dictionary<string, SourceReading> { [MetricCatalog.Database] = new(MetricCatalog.Database, seen) }, []);
        Assert.Equal(Verdict.Fail, step.Verdict);
        Assert.Contains("sql_errors max: canary 3 > 0", step.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_that_never_connected_has_no_data()
    {
        await using var database = await logging.CreateEmptyDatabaseAsync(Ct);
        var start = DateTimeOffset.UtcNow;
        await using var v1 = await OpenAsync(database.ConnectionString, "shop-v1");
        var seen = await new DatabaseMetricSource(database.ConnectionString, Definition).ObserveAsync(new MetricWindow(start, DateTimeOffset.UtcNow), Ct);
        Assert.All(seen.Where(o => o.Version == ServiceVersion.Canary), o => Assert.Equal(0, o.Count));
        var step = StepJudge.Judge(Definition, 1, new MetricWindow(start, DateTimeOffset.UtcNow),
            new Dictionary<string, SourceReading> { [MetricCatalog.Database] = new(MetricCatalog.Database, seen) }, []);
        Assert.Equal(Verdict.Inconclusive, step.Verdict);
    }

    [Fact]
    public async Task A_server_that_does_not_log_errors_or_cannot_be_reached_is_a_source_error()
    {
        await using var database = await plain.CreateEmptyDatabaseAsync(Ct);
        var window = new MetricWindow(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        var quiet = await Assert.ThrowsAsync<MetricSourceException>(() => new DatabaseMetricSource(database.ConnectionString, Definition).ObserveAsync(window, Ct));
        Assert.Contains("logging_collector = on", quiet.Message, StringComparison.Ordinal);

        var gone = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = 9, Timeout = 2 }.ConnectionString;
        var unreachable = await Assert.ThrowsAsync<MetricSourceException>(() => new DatabaseMetricSource(gone, Definition).ObserveAsync(window, Ct));
        Assert.Contains("127.0.0.1:9/", unreachable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", unreachable.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static double Value(IReadOnlyList<MetricObservation> seen, string metric, ServiceVersion version) =>
        seen.FirstOrDefault(o => o.Metric == metric && o.Version == version)?.Value ?? 0;

    private static async Task<string?> Outcome(Task statement)
    {
        try
        {
            await statement;
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, string application)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = application, Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}

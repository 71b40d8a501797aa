using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Postgres.Canary;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Canary;

/// <summary>
/// Dual-write parity over the rows written during a step, against a real PostgreSQL: rows written by a version that
/// keeps both representations pass; rows from a version that writes only the new side are caught, their keys named;
/// rows outside the window are not judged.
/// </summary>
public sealed class PostgresDivergenceProbeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DivergenceCheck FullName = new()
    {
        Name = "full_name", Table = "customers", Key = "id", Expected = "full_name", Actual = "first_name || ' ' || last_name", WrittenAt = "updated_at",
    };

    private const string BothSides = "INSERT INTO customers (id, full_name, first_name, last_name) SELECT g, 'Ada ' || g, 'Ada', g::text FROM generate_series({0}, {1}) g";
    private const string NewSideOnly = "INSERT INTO customers (id, first_name, last_name) SELECT g, 'Ada', g::text FROM generate_series({0}, {1}) g";

    [Fact]
    public async Task Rows_written_on_both_sides_pass_and_a_version_writing_one_side_is_caught_with_its_keys()
    {
        await using var database = await postgres.CreateEmptyDatabaseAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await TestSql.ExecuteAsync(connection, """
            CREATE TABLE customers (id bigint PRIMARY KEY, full_name text, first_name text, last_name text,
                                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """, Ct);
        // Before the step: a broken row that is not the step's business.
        await TestSql.ExecuteAsync(connection, string.Format(NewSideOnly, 1, 1), Ct);
        await Task.Delay(20, Ct);

        var probe = new PostgresDivergenceProbe(database.ConnectionString);
        var start = DateTimeOffset.UtcNow;
        await TestSql.ExecuteAsync(connection, string.Format(BothSides, 2, 3_000), Ct);
        var clean = await probe.MeasureAsync(FullName, new MetricWindow(start, DateTimeOffset.UtcNow), Ct);
        Assert.Equal((2_999L, 0L), (clean.Rows, clean.Differences));

        await TestSql.ExecuteAsync(connection, string.Format(NewSideOnly, 3_001, 3_003), Ct);
        await TestSql.ExecuteAsync(connection, "UPDATE customers SET first_name = 'Grace', updated_at = clock_timestamp() WHERE id = 1500", Ct);
        var caught = await probe.MeasureAsync(FullName, new MetricWindow(start, DateTimeOffset.UtcNow), Ct);
        Assert.Equal(3_002, caught.Rows);
        Assert.Equal(4, caught.Differences);
        Assert.Equal(["1500", "3001", "3002", "3003"], caught.DifferingKeys.Order(StringComparer.Ordinal));

        var definition = new CanaryDefinition
        {
            Steps = [new() { Weight = 100, Interval = TimeSpan.FromSeconds(10) }], Divergence = [FullName],
        };
        var analysis = await new CanaryAnalyzer([], probe).AnalyzeAsync(definition, 1, new MetricWindow(start, DateTimeOffset.UtcNow), Ct);
        Assert.Equal(Verdict.Fail, analysis.Verdict);
        Assert.Contains("4 of 3002 rows written disagree", analysis.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_cannot_be_read_is_a_source_error()
    {
        await using var database = await postgres.CreateEmptyDatabaseAsync(Ct);
        var probe = new PostgresDivergenceProbe(database.ConnectionString);
        var error = await Assert.ThrowsAsync<MetricSourceException>(() =>
            probe.MeasureAsync(FullName, new MetricWindow(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow), Ct));
        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
    }
}

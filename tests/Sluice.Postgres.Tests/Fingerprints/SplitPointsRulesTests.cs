using Npgsql;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Fingerprints;

/// <summary>The rules of <c>SplitPoints</c> (its doc comment's numbered list), row by row, read through the reader that uses them.</summary>
public sealed class SplitPointsRulesTests(PostgresFixture postgres)
{
    private const string Create = """
        CREATE TABLE numbers (id bigint PRIMARY KEY, v int);
        INSERT INTO numbers SELECT g, g % 7 FROM generate_series(1, 10000) AS g;
        ANALYZE numbers;
        CREATE TABLE words (k text PRIMARY KEY, v int);
        INSERT INTO words SELECT 'k' || lpad(g::text, 5, '0'), g FROM generate_series(1, 1000) AS g;
        CREATE TABLE loose (v int);
        INSERT INTO loose SELECT g FROM generate_series(1, 100) AS g;
        """;

    private static readonly FingerprintSource Numbers = FingerprintSource.Table("numbers");
    private static readonly KeyRange SomeNumbers = new(RowKey.Of("1001"), RowKey.Of("2001"));

    [Fact]
    public async Task Rule_1_a_whole_table_with_one_key_column_is_cut_at_its_histogram_bounds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DatabaseAsync(ct);
        var histogram = await HistogramAsync(database.ConnectionString, ct);

        var points = await SplitAsync(database.ConnectionString, Numbers, KeyRange.All, 4, ct);

        Assert.Equal(3, points.Count);
        Assert.All(points, p => Assert.Contains(long.Parse(p.Values[0], System.Globalization.CultureInfo.InvariantCulture), histogram));
        Assert.All(Counts(points, 10000), rows => Assert.InRange(rows, 2000, 3000));
    }

    [Fact]
    public async Task Rule_1_an_integer_key_is_cut_finer_than_the_histogram_when_more_parts_are_asked_for()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DatabaseAsync(ct);
        var buckets = (await HistogramAsync(database.ConnectionString, ct)).Count - 1;

        var points = await SplitAsync(database.ConnectionString, Numbers, KeyRange.All, 4 * buckets, ct);

        var values = points.Select(p => long.Parse(p.Values[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(values.Count > 3 * buckets, $"{values.Count} points for {buckets} buckets");
        Assert.Equal(values.Order().Distinct(), values);
    }

    [Fact]
    public async Task Rule_2_an_integer_key_without_a_histogram_or_in_part_is_cut_evenly_between_its_minimum_and_maximum()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DatabaseAsync(ct);
        var query = FingerprintSource.FromQuery("numbers by query", "SELECT id, v FROM numbers", "id");

        Assert.Equal(Keys("1250", "1500", "1750"), await SplitAsync(database.ConnectionString, Numbers, SomeNumbers, 4, ct));
        Assert.Equal(Keys("2500", "5000", "7500"), await SplitAsync(database.ConnectionString, query, KeyRange.All, 4, ct));
    }

    [Fact]
    public async Task Rule_3_a_whole_source_with_no_statistics_for_its_key_is_not_cut()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DatabaseAsync(ct);
        var query = FingerprintSource.FromQuery("words by query", "SELECT k, v FROM words", "k");

        Assert.Empty(await SplitAsync(database.ConnectionString, query, KeyRange.All, 4, ct));
    }

    [Fact]
    public async Task Rule_4_part_of_other_keys_is_cut_at_every_nth_key()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DatabaseAsync(ct);
        var range = new KeyRange(RowKey.Of("k00101"), RowKey.Of("k00501"));

        Assert.Equal(Keys("k00201", "k00301", "k00401"), await SplitAsync(database.ConnectionString, FingerprintSource.Table("words"), range, 4, ct));
    }

    [Fact]
    public async Task A_source_without_a_key_or_one_part_is_not_cut()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DatabaseAsync(ct);

        Assert.Empty(await SplitAsync(database.ConnectionString, FingerprintSource.Table("loose"), KeyRange.All, 4, ct));
        Assert.Empty(await SplitAsync(database.ConnectionString, Numbers, SomeNumbers, 1, ct));
    }

    private async Task<Sluice.Postgres.Databases.EphemeralDatabase> DatabaseAsync(CancellationToken ct)
    {
        var database = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(database.ConnectionString, Create, ct);
        return database;
    }

    private static async Task<IReadOnlyList<RowKey>> SplitAsync(string connectionString, FingerprintSource source, KeyRange range, int parts,
        CancellationToken ct)
    {
        await using var session = await ReadSession.OpenAsync(connectionString, 1, ct);
        await using var reader = new PostgresFingerprintReader(session, source);
        return await reader.SplitPointsAsync(range, parts, ct);
    }

    private static async Task<HashSet<long>> HistogramAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT unnest(histogram_bounds::text::bigint[]) FROM pg_stats WHERE tablename = 'numbers' AND attname = 'id'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var bounds = new HashSet<long>();
        while (await reader.ReadAsync(ct)) bounds.Add(reader.GetInt64(0));
        return bounds;
    }

    // Rows 1..total cut at the points: how many fall into each part.
    private static IEnumerable<long> Counts(IReadOnlyList<RowKey> points, long total)
    {
        var cuts = points.Select(p => long.Parse(p.Values[0], System.Globalization.CultureInfo.InvariantCulture)).Prepend(1).Append(total + 1).ToList();
        return cuts.Zip(cuts.Skip(1), (from, to) => to - from);
    }

    private static RowKey[] Keys(params string[] values) => [.. values.Select(v => RowKey.Of(v))];
}

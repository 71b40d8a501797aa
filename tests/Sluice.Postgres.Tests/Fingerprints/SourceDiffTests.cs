using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Fingerprints;

public sealed class SourceDiffTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_old_column_compares_with_the_new_columns_that_replace_it_in_one_database()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await FingerprintShop.CreateAsync(postgres, 2000, analyze: true, ct);
        await TestSql.ExecuteAsync(database.ConnectionString, "UPDATE customers SET first_name = 'Wrong' WHERE id IN (5, 1717)", ct);

        var diff = await PostgresFingerprints.DiffAsync(
            database.ConnectionString, FingerprintSource.FromQuery("customers.full_name", "SELECT id, full_name AS name FROM customers", "id"),
            database.ConnectionString, FingerprintSource.FromQuery("customers.first_name+last_name", "SELECT id, first_name || ' ' || last_name AS name FROM customers", "id"),
            ct, new DiffOptions(InitialChunks: 4, Factor: 4, RowThreshold: 100));

        Assert.Equal(2, diff.Changed);
        Assert.Equal([RowKey.Of("1717"), RowKey.Of("5")], diff.ChangedSample.OrderBy(k => k.Values[0], StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 16)]
    public async Task Scattered_differences_in_a_large_table_are_all_located_by_bisection(int degree, int factor)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await postgres.CreateDatabaseAsync(ct);
        await using var target = await postgres.CreateDatabaseAsync(ct);
        const string table = "CREATE TABLE readings (sensor int, at bigint, value double precision, PRIMARY KEY (sensor, at)); "
            + "INSERT INTO readings SELECT s, t, s * 1000 + t FROM generate_series(1, 20) s, generate_series(1, 10000) t;";
        await TestSql.ExecuteAsync(source.ConnectionString, table + "ANALYZE", ct);
        await TestSql.ExecuteAsync(target.ConnectionString, table + """
            UPDATE readings SET value = -1 WHERE (sensor, at) IN ((1, 1), (7, 5000), (20, 10000));
            DELETE FROM readings WHERE (sensor, at) IN ((3, 3), (11, 9999));
            INSERT INTO readings VALUES (0, 1, 0), (21, 1, 0), (12, 0, 0);
            """, ct);

        var diff = await PostgresFingerprints.DiffAsync(source.ConnectionString, FingerprintSource.Table("readings"),
            target.ConnectionString, FingerprintSource.Table("readings"), ct, new DiffOptions(InitialChunks: 8, Factor: factor, RowThreshold: 64, Degree: degree));

        Assert.Equal(["(1, 1)", "(20, 10000)", "(7, 5000)"], Sorted(diff.ChangedSample));
        Assert.Equal(["(11, 9999)", "(3, 3)"], Sorted(diff.MissingSample));
        Assert.Equal(["(0, 1)", "(12, 0)", "(21, 1)"], Sorted(diff.ExtraSample));
    }

    [Fact]
    public async Task Counts_stay_exact_when_the_sample_is_bounded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FingerprintShop.CreateAsync(postgres, 1000, analyze: true, ct);
        await using var target = await FingerprintShop.CreateAsync(postgres, 1000, analyze: true, ct);
        await TestSql.ExecuteAsync(target.ConnectionString, "UPDATE customers SET email = 'x' WHERE id % 4 = 1", ct);

        var diff = await PostgresFingerprints.DiffAsync(source.ConnectionString, FingerprintSource.Table("customers"),
            target.ConnectionString, FingerprintSource.Table("customers"), ct, new DiffOptions(SampleLimit: 5, RowThreshold: 100));

        Assert.Equal(250, diff.Changed);
        Assert.Equal(5, diff.ChangedSample.Count);
    }

    [Fact]
    public async Task An_unknown_table_or_key_column_is_a_usage_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await FingerprintShop.CreateAsync(postgres, 10, analyze: false, ct);

        var table = await Assert.ThrowsAsync<SluiceException>(() => PostgresFingerprints.DiffAsync(database.ConnectionString,
            FingerprintSource.Table("nope"), database.ConnectionString, FingerprintSource.Table("customers"), ct));
        Assert.Equal((ErrorCodes.BadSource, ErrorKind.Usage), (table.Code, table.Kind));
        Assert.Contains("'nope' does not exist", table.Message);

        var key = await Assert.ThrowsAsync<SluiceException>(() => PostgresFingerprints.DiffAsync(database.ConnectionString,
            FingerprintSource.FromQuery("q", "SELECT id FROM customers", "ident"), database.ConnectionString, FingerprintSource.Table("customers"), ct));
        Assert.Contains("key column 'ident'", key.Message);
    }

    [Fact]
    public async Task A_fingerprint_is_stable_and_a_database_taken_at_its_split_points_compares_chunk_by_chunk()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FingerprintShop.CreateAsync(postgres, 3000, analyze: true, ct);
        await using var target = await FingerprintShop.CreateAsync(postgres, 3000, analyze: false, ct);
        var fingerprints = new PostgresFingerprints(FingerprintOptions.Default with { Chunks = 16 });

        var first = await fingerprints.TakeAsync(source.ConnectionString, ct);
        var again = await fingerprints.TakeAsync(source.ConnectionString, ct);
        Assert.Equal(first.Schema.Hash, again.Schema.Hash);
        Assert.True(FingerprintComparison.Compare(first, again).AreEqual);
        Assert.True(first.Data.Find("customers")!.Chunks.Count > 8, "the histogram cut customers into chunks");

        await TestSql.ExecuteAsync(target.ConnectionString, "UPDATE customers SET email = NULL WHERE id = 2999", ct);
        var other = await fingerprints.TakeAsync(target.ConnectionString, ct, like: first);
        var report = FingerprintComparison.Compare(first, other);
        var customers = report.Tables.Single(t => t.Source == "customers");
        var range = Assert.Single(customers.DifferingRanges);
        Assert.Null(range.To);
        Assert.True(long.Parse(range.From!.Values[0], System.Globalization.CultureInfo.InvariantCulture) <= 2999);
        Assert.Equal(first.Schema.Hash, other.Schema.Hash);
    }

    [Fact]
    public async Task More_chunks_than_histogram_buckets_cut_integer_keys_inside_each_bucket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await FingerprintShop.CreateAsync(postgres, 3000, analyze: true, ct);

        var fingerprint = await new PostgresFingerprints(FingerprintOptions.Default with { Chunks = 400 }).TakeAsync(database.ConnectionString, ct);

        var customers = fingerprint.Data.Find("customers")!;
        Assert.InRange(customers.Chunks.Count, 300, 401);
        Assert.Equal(3000, customers.Rows);
        Assert.True(customers.Chunks.Max(c => c.Rows) <= 20, $"largest chunk {customers.Chunks.Max(c => c.Rows)} rows");
        var bounds = customers.Bounds.Select(b => long.Parse(b.Values[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(bounds.Order(), bounds);
        Assert.Equal(bounds.Distinct().Count(), bounds.Count);
    }

    [Fact]
    public async Task A_table_shared_out_by_heap_blocks_over_several_connections_hashes_as_one_connection_does()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await FingerprintShop.CreateAsync(postgres, 5000, analyze: true, ct);

        var one = await new PostgresFingerprints(FingerprintOptions.Default with { Degree = 1 }).TakeAsync(database.ConnectionString, ct);
        var three = await new PostgresFingerprints(FingerprintOptions.Default with { Degree = 3 }).TakeAsync(database.ConnectionString, ct, like: one);

        Assert.True(FingerprintComparison.Compare(one, three).AreEqual);
        Assert.Equal(one.Data.Tables.SelectMany(t => t.Chunks), three.Data.Tables.SelectMany(t => t.Chunks));
    }

    private static string[] Sorted(IEnumerable<RowKey> keys) => [.. keys.Select(k => k.ToString()).Order(StringComparer.Ordinal)];
}

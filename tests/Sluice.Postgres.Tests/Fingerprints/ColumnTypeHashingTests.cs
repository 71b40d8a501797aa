using Sluice.Fingerprints;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Fingerprints;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Fingerprints;

/// <summary>
/// Columns are hashed three ways (the type's own function called directly, <c>hash_record_extended</c> for types whose
/// function SQL cannot call on them, the text form for types without one): a change in a column of any kind is found,
/// and values that are equal under the type's equality are not reported.
/// </summary>
public sealed class ColumnTypeHashingTests(PostgresFixture postgres)
{
    // One column per kind; row n (1..Columns.Length) gets a changed value in column n on the target side.
    private static readonly (string Name, string Type, string Value, string Changed)[] Columns =
    [
        ("c_int2", "smallint", "7", "8"),
        ("c_int8", "bigint", "9000000000", "9000000001"),
        ("c_numeric", "numeric(10,2)", "12.50", "12.51"),
        ("c_float8", "double precision", "1.5", "1.25"),
        ("c_text", "text", "'abc'", "'abd'"),
        ("c_varchar", "varchar(10)", "'a'", "'a '"),
        ("c_char", "char(4)", "'ab'", "'ac'"),
        ("c_timestamptz", "timestamptz", "'2026-01-01 10:00:00+00'", "'2026-01-01 10:00:00.000001+00'"),
        ("c_timestamp", "timestamp", "'2026-01-01 10:00:00'", "'2026-01-01 10:00:01'"),
        ("c_date", "date", "'2026-01-01'", "'2026-01-02'"),
        ("c_bool", "boolean", "true", "false"),
        ("c_bytea", "bytea", "'\\x0102'", "'\\x0103'"),
        ("c_uuid", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'"),
        ("c_jsonb", "jsonb", "'{\"a\": 1}'", "'{\"a\": 2}'"),
        ("c_array", "integer[]", "'{1,2}'", "'{2,1}'"),
        ("c_enum_array", "mood[]", "'{calm}'", "'{busy}'"),
        ("c_regclass", "regclass", "'kinds'", "'pg_class'"),
        ("c_enum", "mood", "'calm'", "'busy'"),
        ("c_domain", "amount", "3.00", "3.10"),
        ("c_json", "json", "'{\"a\": 1}'", "'{\"a\":1}'"),
        ("c_point", "point", "'(1,1)'", "'(1,2)'"),
        ("c_nullable", "text", "NULL", "''"),
    ];

    private static string Create() => $"""
        CREATE TYPE mood AS ENUM ('calm', 'busy');
        CREATE DOMAIN amount AS numeric(8,2);
        CREATE TABLE kinds (id int PRIMARY KEY, {string.Join(", ", Columns.Select(c => $"{c.Name} {c.Type}"))});
        INSERT INTO kinds SELECT g, {string.Join(", ", Columns.Select(c => $"{c.Value}::{c.Type}"))} FROM generate_series(1, 200) AS g;
        ANALYZE kinds;
        """;

    // The target's enum is created with an unused label first, so its labels get other OIDs than the source's.
    private async Task<(EphemeralDatabase Source, EphemeralDatabase Target)> PairAsync(string targetChange, CancellationToken ct)
    {
        var source = await postgres.CreateDatabaseAsync(ct);
        var target = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(source.ConnectionString, Create(), ct);
        await TestSql.ExecuteAsync(target.ConnectionString, "CREATE TYPE spare AS ENUM ('x', 'y', 'z');" + Create() + targetChange, ct);
        return (source, target);
    }

    [Fact]
    public async Task A_change_in_a_column_of_any_kind_is_located()
    {
        var ct = TestContext.Current.CancellationToken;
        var changes = string.Concat(Columns.Select((c, i) => $"UPDATE kinds SET {c.Name} = {c.Changed}::{c.Type} WHERE id = {i + 1};\n"));
        var (source, target) = await PairAsync(changes, ct);
        await using var _ = source;
        await using var __ = target;

        var diff = await PostgresFingerprints.DiffAsync(source.ConnectionString, FingerprintSource.Table("kinds"),
            target.ConnectionString, FingerprintSource.Table("kinds"), ct, new DiffOptions(InitialChunks: 4, Factor: 4, RowThreshold: 10, SampleLimit: 50));

        Assert.True(Columns.Length == diff.Changed, string.Join("; ", diff.Describe()));
        Assert.Equal(Enumerable.Range(1, Columns.Length).Select(i => RowKey.Of(i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            diff.ChangedSample.OrderBy(k => int.Parse(k.Values[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal((0, 0), (diff.Missing, diff.Extra));
    }

    [Fact]
    public async Task Values_equal_under_their_type_are_not_differences()
    {
        var ct = TestContext.Current.CancellationToken;
        // The same instant written in another zone, the same numbers with other scales or signs of zero, the same
        // jsonb with other spacing, char(4) padding: all equal under the type's own equality.
        var (source, target) = await PairAsync("""
            UPDATE kinds SET c_timestamptz = '2026-01-01 12:00:00+02' WHERE id = 1;
            UPDATE kinds SET c_numeric = 12.5, c_domain = 3 WHERE id = 2;
            UPDATE kinds SET c_float8 = 1.50 WHERE id = 3;
            UPDATE kinds SET c_jsonb = '{"a":1}' WHERE id = 4;
            UPDATE kinds SET c_char = 'ab  ' WHERE id = 5;
            DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Kolkata'); END $$;
            """, ct);
        await using var _ = source;
        await using var __ = target;

        var diff = await PostgresFingerprints.DiffAsync(source.ConnectionString, FingerprintSource.Table("kinds"),
            target.ConnectionString, FingerprintSource.Table("kinds"), ct, new DiffOptions(InitialChunks: 4, Factor: 4, RowThreshold: 10, SampleLimit: 50));

        Assert.True(diff.AreEqual, string.Join("; ", diff.Describe()));
    }

    [Fact]
    public async Task Common_types_are_hashed_by_their_own_function_and_the_rest_through_the_record_or_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var (source, target) = await PairAsync("", ct);
        await using var _ = source;
        await using var __ = target;

        await using var session = await ReadSession.OpenAsync(source.ConnectionString, 1, ct);
        await using var reader = new PostgresFingerprintReader(session, FingerprintSource.Table("kinds"));
        var shape = await reader.DescribeAsync(ct);
        var hashers = shape.Columns.ToDictionary(c => c.Name, c => c.Hashable ? c.Hasher ?? "record" : "text");

        Assert.Equal("pg_catalog.hashint8extended", hashers["c_int8"]);
        Assert.Equal("pg_catalog.hash_numeric_extended", hashers["c_numeric"]);
        // varchar is binary-coercible to both text and bpchar; bpchar's hash ignores trailing spaces, so text it must be.
        Assert.Equal("pg_catalog.hashtextextended", hashers["c_varchar"]);
        Assert.Equal("pg_catalog.timestamp_hash_extended", hashers["c_timestamptz"]);
        Assert.Equal("pg_catalog.hash_numeric_extended", hashers["c_domain"]);
        // Up to 17, date hashes through int4's function, which takes another SQL type; 18 gave date its own.
        var major = await session.RunAsync(c => Task.FromResult(c.PostgreSqlVersion.Major), ct);
        Assert.Equal(major >= 18 ? "pg_catalog.hashdateextended" : "record", hashers["c_date"]);
        Assert.Equal("record", hashers["c_array"]);
        Assert.Equal("text", hashers["c_json"]);
        // An enum hashes its label's OID, which another database does not share: its text it is.
        Assert.Equal("text", hashers["c_enum"]);
        Assert.Equal("text", hashers["c_enum_array"]);
        // So does a reg* value: the table kinds has another OID in the other database.
        Assert.Equal("text", hashers["c_regclass"]);
    }

    [Fact]
    public async Task Column_order_does_not_matter_but_which_column_holds_a_value_does()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        // "reordered" holds the same values per column name in another column order (as after a column was dropped
        // and added back); "swapped" holds the same values in the same positions, under each other's names.
        await TestSql.ExecuteAsync(database.ConnectionString, """
            CREATE TABLE original (id int PRIMARY KEY, a text, x text, b date, n numeric);
            CREATE TABLE reordered (id int PRIMARY KEY, x text, n numeric, a text, b date);
            CREATE TABLE swapped (id int PRIMARY KEY, x text, a text, b date, n numeric);
            INSERT INTO original SELECT g, 'p' || g, 'q' || g, date '2026-01-01' + g, g / 4.0 FROM generate_series(1, 500) g;
            INSERT INTO reordered SELECT id, x, n, a, b FROM original;
            INSERT INTO swapped SELECT id, a, x, b, n FROM original;
            """, ct);

        var reordered = await PostgresFingerprints.DiffAsync(database.ConnectionString, FingerprintSource.Table("original"),
            database.ConnectionString, FingerprintSource.Table("reordered"), ct);
        var swapped = await PostgresFingerprints.DiffAsync(database.ConnectionString, FingerprintSource.Table("original"),
            database.ConnectionString, FingerprintSource.Table("swapped"), ct);

        Assert.True(reordered.AreEqual, string.Join("; ", reordered.Describe()));
        Assert.Equal(500, swapped.Changed);
    }

    [Fact]
    public async Task A_table_and_a_query_over_it_compare_equal_though_the_query_drops_type_modifiers()
    {
        var ct = TestContext.Current.CancellationToken;
        var (source, target) = await PairAsync("", ct);
        await using var _ = source;
        await using var __ = target;

        // The table's columns are numeric(10,2), varchar(10), char(4); the query's are numeric, varchar, bpchar.
        var diff = await PostgresFingerprints.DiffAsync(source.ConnectionString, FingerprintSource.Table("kinds"),
            target.ConnectionString, FingerprintSource.FromQuery("kinds as a query", "SELECT * FROM kinds", "id"), ct);

        Assert.True(diff.AreEqual, string.Join("; ", diff.Describe()));
    }

    [Fact]
    public async Task A_fingerprint_recorded_in_the_old_format_is_compared_in_that_format()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(database.ConnectionString, """
            CREATE TABLE ledger (id int PRIMARY KEY, name text, amount numeric(10,2), at timestamptz);
            INSERT INTO ledger SELECT g, 'n' || g, g / 3.0, timestamptz '2026-01-01 00:00+00' + make_interval(mins => g) FROM generate_series(1, 300) g;
            """, ct);
        var fingerprints = new PostgresFingerprints();
        var current = await fingerprints.TakeAsync(database.ConnectionString, ct);
        var table = current.Data.Tables.Single();
        Assert.Equal(HashFormats.Current, table.HashFormat);

        // What a Sluice before per-column hashing recorded: one hash_record_extended of the row in column order,
        // written here as that version's SQL, as one chunk; HashFormat as a manifest without the field reads.
        var old = await OldFormatSumAsync(database, ct);
        var recorded = new DatabaseFingerprint(current.Schema, new DataFingerprint(
            [new TableFingerprint(table.Source, table.Key, [.. table.Columns.Select(c => c with { Hasher = null })], [new ChunkHash(KeyRange.All, 300, old)])]));
        Assert.Equal(HashFormats.RecordInColumnOrder, recorded.Data.Tables[0].HashFormat);

        var same = FingerprintComparison.Compare(recorded, await fingerprints.TakeAsync(database.ConnectionString, ct, like: recorded));
        await TestSql.ExecuteAsync(database.ConnectionString, "UPDATE ledger SET name = 'changed' WHERE id = 7", ct);
        var changed = FingerprintComparison.Compare(recorded, await fingerprints.TakeAsync(database.ConnectionString, ct, like: recorded));

        Assert.True(same.AreEqual, same.Render());
        Assert.False(changed.AreEqual);
    }

    private static async Task<ulong> OldFormatSumAsync(EphemeralDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT (coalesce(sum(hash_record_extended(ROW(src.id, src.name, src.amount, src.at), 0)), 0) % 18446744073709551616)::text FROM ledger AS src
            """, connection);
        var sum = System.Numerics.BigInteger.Parse((string)(await command.ExecuteScalarAsync(ct))!, System.Globalization.CultureInfo.InvariantCulture);
        if (sum.Sign < 0) sum += System.Numerics.BigInteger.One << 64;
        return (ulong)sum;
    }
}

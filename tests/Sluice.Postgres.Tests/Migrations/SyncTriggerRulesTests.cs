using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Tests;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// The sample's dual-write trigger (<c>customers_sync_name</c> in <c>01_add_split_columns.up.sql</c> of
/// <c>0001_split_customer_name</c>), the pattern a team copies, tested row by row; the method name starts with the row id.
/// <list type="table">
/// <item><term>S1</term><description>an insert giving full_name only: first_name and last_name are its split</description></item>
/// <item><term>S2</term><description>an insert giving first_name and last_name only (newer code): full_name is the two joined by a space</description></item>
/// <item><term>S3</term><description>an update of full_name (older code): first_name and last_name follow it</description></item>
/// <item><term>S4</term><description>an update of first_name and last_name only (newer code): full_name follows them</description></item>
/// <item><term>S5</term><description>an update of full_name and of first/last that disagree with it: full_name wins, the others are its split</description></item>
/// <item><term>S6</term><description>the backfill's batch: the function runs on every row and leaves full_name as it was, whatever its spaces</description></item>
/// <item><term>S7</term><description>an update of a column it does not map (email): the trigger does not fire</description></item>
/// </list>
/// Each write runs in a transaction that counts the function's calls. Why the trigger has no <c>WHEN</c> to spare the
/// calls of S6: <c>docs/benchmarks.md</c>, "The sync trigger's WHEN".
/// </summary>
public sealed class SyncTriggerRulesTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("S1", "INSERT INTO customers (id, full_name, email) VALUES (9001, 'Ada van Lovelace', 'ada@example.com')", 9001, "Ada van Lovelace", "Ada", "van Lovelace")]
    [InlineData("S2", "INSERT INTO customers (id, first_name, last_name, email) VALUES (9002, 'Grace', 'Hopper', 'grace@example.com')", 9002, "Grace Hopper", "Grace", "Hopper")]
    [InlineData("S3", "UPDATE customers SET full_name = 'Margaret Hamilton' WHERE id = 1", 1, "Margaret Hamilton", "Margaret", "Hamilton")]
    [InlineData("S4", "UPDATE customers SET first_name = 'Ken', last_name = 'Thompson' WHERE id = 2", 2, "Ken Thompson", "Ken", "Thompson")]
    [InlineData("S5", "UPDATE customers SET full_name = 'Donald Knuth', first_name = 'Barbara', last_name = 'Liskov' WHERE id = 3", 3, "Donald Knuth", "Donald", "Knuth")]
    public async Task S1_to_S5_a_write_of_the_application_calls_the_function_once_and_leaves_both_shapes_in_step(
        string row, string write, long id, string fullName, string firstName, string lastName)
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        await ExpandAsync(database, Ct);

        var calls = await CountedCallsAsync(database, write, Ct);
        var names = await NamesAsync(database, id, Ct);

        Assert.True(names == (fullName, firstName, lastName), $"{row} left customer {id} as {names}");
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task S6_the_backfills_batch_calls_the_function_on_every_row_and_leaves_full_name_as_it_was()
    {
        // Beside the shop's 2,000 customers, every name over 'a' and ' ' up to six characters long (127 of them, the
        // empty one too): where joining the split could give back something other than the full name, if anywhere.
        // Were there one, the function's "first or last changed" branch would rewrite a customer's full_name.
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        var names = Enumerable.Range(0, 7).SelectMany(length => Enumerable.Range(0, 1 << length)
            .Select(bits => new string(Enumerable.Range(0, length).Select(i => (bits >> i & 1) == 1 ? ' ' : 'a').ToArray())));
        await TestSql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO customers (id, full_name, email)
            SELECT 3000 + n, name, 'edge' || n || '@example.com'
            FROM unnest(ARRAY[{string.Join(", ", names.Select(name => $"'{name}'"))}]::text[]) WITH ORDINALITY AS t(name, n);
            """, Ct);
        await ExpandAsync(database, Ct);
        const string FullNames = "SELECT md5(string_agg(id || ':' || full_name, E'\\n' ORDER BY id)) FROM customers";
        var before = await TestSql.ScalarAsync<string>(database.ConnectionString, FullNames, Ct);
        var rows = await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers", Ct);
        var batch = (await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.SamplePlan, "02_backfill.batch.sql"), Ct))
            .Replace("@lower", "0").Replace("@upper", long.MaxValue.ToString());

        var calls = await CountedCallsAsync(database, batch, Ct);

        Assert.Equal(2000 + 127, rows);
        Assert.Equal(rows, calls); // every row was out of step (the expand adds the columns empty)
        Assert.Equal(before, await TestSql.ScalarAsync<string>(database.ConnectionString, FullNames, Ct));
        Assert.Equal(0L, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, Ct));
    }

    [Fact]
    public async Task S7_an_update_of_an_unmapped_column_does_not_fire_the_trigger()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        await ExpandAsync(database, Ct);
        var before = await NamesAsync(database, 4, Ct);
        var calls = await CountedCallsAsync(database, "UPDATE customers SET email = 'moved@example.com' WHERE id = 4", Ct);

        Assert.Equal(0, calls);
        Assert.Equal(before, await NamesAsync(database, 4, Ct));
        Assert.Null(before.FirstName); // not backfilled yet, and an email change does not split the name either
    }

    /// <summary>The sample's expand phase on the shop's base schema: the columns added empty, the trigger on.</summary>
    private static async Task ExpandAsync(EphemeralDatabase database, CancellationToken cancellationToken) =>
        await TestSql.ExecuteAsync(database.ConnectionString, await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.SamplePlan, "01_add_split_columns.up.sql"), cancellationToken), cancellationToken);

    /// <summary>Runs <paramref name="sql"/> in a transaction of its own and returns how often the sync function ran in it.</summary>
    private static async Task<long> CountedCallsAsync(EphemeralDatabase database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await TestSql.ExecuteAsync(connection, "SET LOCAL track_functions = 'pl'", cancellationToken);
        // A difference of the session's own counts: they need no stats flush, and from PostgreSQL 15 on they also hold
        // the calls of earlier transactions not yet flushed.
        var before = await CallsSoFarAsync(connection, cancellationToken);
        await TestSql.ExecuteAsync(connection, sql, cancellationToken);
        var calls = await CallsSoFarAsync(connection, cancellationToken) - before;
        await transaction.CommitAsync(cancellationToken);
        return calls;
    }

    private static async Task<long> CallsSoFarAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand("SELECT coalesce(pg_stat_get_xact_function_calls('shop_customers_sync_name'::regproc), 0)", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<(string FullName, string? FirstName, string? LastName)> NamesAsync(EphemeralDatabase database, long id, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT full_name, first_name, last_name FROM customers WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Assert.True(await reader.ReadAsync(cancellationToken), $"no customer {id}");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }
}

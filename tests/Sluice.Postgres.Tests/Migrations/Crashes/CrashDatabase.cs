using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Fingerprints;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations.Crashes;

/// <summary>
/// The shop database a crash test kills the runner on, with a counter of row writes that no rollback undoes: an
/// AFTER UPDATE trigger on customers calls <c>nextval</c>, and a sequence keeps every value it handed out even when the
/// transaction that asked dies. Writes counted minus rows the checkpoint (or a reverted contract) committed are the
/// rows a kill threw away, which the next run does again.
/// </summary>
internal static class CrashDatabase
{
    // The trigger also stops the batch that makes the armed write (crash_pause.at_write) for good: a kill meant for the
    // inside of a batch then lands in an open batch however loaded the machine is (a timed kill lands between two short
    // batches as often as not).
    private const string RowWriteCounter = """
        CREATE SEQUENCE crash_row_writes;
        CREATE TABLE crash_pause (at_write bigint);
        INSERT INTO crash_pause VALUES (NULL);
        CREATE FUNCTION crash_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF nextval('crash_row_writes') = (SELECT at_write FROM crash_pause) THEN PERFORM pg_sleep(600); END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER crash_count_writes AFTER UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION crash_count_write();
        """;

    /// <summary>The shop schema with <paramref name="extraCustomers"/> more rows, the counter and Sluice's journal, to clone
    /// once per scenario (<see cref="CloneAsync"/>).</summary>
    public static async Task<EphemeralDatabase> CreateTemplateAsync(PostgresFixture postgres, int extraCustomers, CancellationToken cancellationToken)
    {
        var template = await ShopDatabase.CreateAsync(postgres, cancellationToken, extraCustomers);
        await TestSql.ExecuteAsync(template.ConnectionString, RowWriteCounter, cancellationToken);
        await using (var journal = new PostgresMigrationDatabase(template.ConnectionString)) await journal.Providers.Journal.EnsureAsync(cancellationToken);
        return template;
    }

    /// <summary>A copy of <paramref name="template"/>; the pooled sessions the template was prepared through are ended.</summary>
    public static Task<EphemeralDatabase> CloneAsync(PostgresFixture postgres, EphemeralDatabase template, CancellationToken cancellationToken) =>
        postgres.Databases.CloneAsync(template.Name, cancellationToken, whenConnected: TemplateConnections.Terminate);

    /// <summary>Row writes so far, rows the backfill's checkpoint says are done, and whether the contract is reverted.</summary>
    public static async Task<WriteCounters> ReadCountersAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM crash_row_writes),
                   coalesce((SELECT sum(rows_done) FROM sluice.backfill_checkpoints), 0)::bigint,
                   coalesce((SELECT status = 'reverted' FROM sluice.phases WHERE phase = 'drop_full_name'), false),
                   (SELECT count(*) FROM pg_index WHERE NOT indisvalid AND indrelid = 'customers'::regclass)::int,
                   (SELECT count(*) FROM customers)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new WriteCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2), reader.GetInt32(3), reader.GetInt64(4));
    }

    /// <summary>Arms the pause at the <paramref name="write"/>-th row write counted (null disarms it).</summary>
    public static Task PauseAtWriteAsync(string connectionString, long? write, CancellationToken cancellationToken) =>
        TestSql.ExecuteAsync(connectionString, write is { } n ? $"UPDATE crash_pause SET at_write = {n}" : "UPDATE crash_pause SET at_write = NULL", cancellationToken);

    /// <summary>Waits until a runner's session sleeps in the armed pause: its batch is open, its rows written, nothing committed.</summary>
    public static async Task WaitForPauseAsync(string connectionString, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await TestSql.ScalarAsync<long>(connectionString, """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name LIKE 'sluice%' AND wait_event = 'PgSleep'
                    """, cancellationToken) > 0) return;
            if (attempt > 12_000) throw new TimeoutException("no runner session reached the armed pause in 60 s");
            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>The schema fingerprint (the one rollbacks are verified with) and every row of the shop's tables, key
    /// order, column order free (jsonb sorts keys): a column dropped and added back compares equal.</summary>
    public static async Task<DatabaseFingerprint> FingerprintAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var schema = await SchemaReader.ReadCurrentAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT md5(string_agg(to_jsonb(c)::text, E'\n' ORDER BY id)) FROM customers c),
                   (SELECT md5(string_agg(to_jsonb(o)::text, E'\n' ORDER BY id)) FROM orders o),
                   (SELECT coalesce(string_agg(name || '=' || enabled, ',' ORDER BY name), '') FROM sluice.feature_flags)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseFingerprint(schema.Hash, reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    /// <summary>What a dead runner's host leaves: its sessions cut. A SIGKILLed client's backend runs on until it next
    /// talks to the socket (a concurrent index build to its end); the test ends them as a lost connection would, and
    /// waits until they are gone.</summary>
    public static async Task CutRunnerSessionsAsync(string adminConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            await using var cut = new NpgsqlCommand("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE datname = $1 AND application_name LIKE 'sluice%' AND pid <> pg_backend_pid()
                """, admin) { Parameters = { new() { Value = database } } };
            if ((long)(await cut.ExecuteScalarAsync(cancellationToken))! == 0) return;
            if (attempt > 200) throw new TimeoutException($"the killed runner's sessions on {database} did not end");
            await Task.Delay(10, cancellationToken);
        }
    }
}

/// <param name="InvalidIndexes">Indexes of customers left INVALID (a concurrent build or drop that died half way).</param>
internal sealed record WriteCounters(long Writes, long RowsDone, bool ContractReverted, int InvalidIndexes, long Customers);

internal sealed record DatabaseFingerprint(string Schema, string Customers, string Orders, string Flags)
{
    /// <summary>What a rollback must bring back: the schema and every row; the flags table keeps the flag, turned off.</summary>
    public (string, string, string) Data => (Schema, Customers, Orders);
}

/// <summary>A repeatable-read transaction that has read customers: a concurrent index build waits for its snapshot, a
/// concurrent drop for its lock, each with its index INVALID meanwhile.</summary>
internal sealed record SnapshotHolder(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
{
    public static async Task<SnapshotHolder> HoldAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM customers", connection, transaction)) await read.ExecuteScalarAsync(cancellationToken);
        return new SnapshotHolder(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

using Npgsql;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Fingerprints;

/// <summary>A diff of two databases while writers change both, each write reaching the target a moment after the
/// source (as replication or a dual-write job does): the settled diff reports only the difference that persists.</summary>
public sealed class LiveDiffTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(800);

    [Fact]
    public async Task Writes_in_flight_are_left_out_and_the_one_persistent_difference_is_reported_with_the_window()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await postgres.CreateDatabaseAsync(ct);
        await using var target = await postgres.CreateDatabaseAsync(ct);
        const string Table = """
            CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL);
            INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 5000) AS g;
            """;
        await TestSql.ExecuteAsync(source.ConnectionString, Table, ct);
        await TestSql.ExecuteAsync(target.ConnectionString, Table + "UPDATE accounts SET balance = -1 WHERE id = 4242;", ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Four writers, each nearly always with one write on its way: the source has it, the target gets it after the
        // latency (shorter than the time between the settled diff's passes).
        using var written = new CountdownEvent(4);
        var writers = Enumerable.Range(0, 4).Select(w => WriteAsync(source.ConnectionString, target.ConnectionString, seed: w, written, stop.Token)).ToList();
        try
        {
            var fingerprints = new PostgresFingerprints();
            Assert.True(written.Wait(TimeSpan.FromSeconds(30), ct), "the writers did not start");
            // One pass sees the writes in flight as differences (the old behaviour: false mismatches).
            var once = await fingerprints.DiffAsync(source.ConnectionString, target.ConnectionString, ct);
            Assert.True(once.Tables.Single().Changed > 1, once.Render());

            var settled = await new SettledDiff(TimeSpan.FromSeconds(3)).RunAsync(
                token => fingerprints.DiffAsync(source.ConnectionString, target.ConnectionString, token, SettledDiff.PassOptions(DiffOptions.Default)), ct);

            var accounts = settled.Tables.Single();
            Assert.Equal([RowKey.Of("4242")], accounts.ChangedSample);
            Assert.Equal(1, accounts.Changed);
            Assert.Equal(0, accounts.Missing + accounts.Extra);
            Assert.Equal(4, settled.Settling!.Passes);
            Assert.True(settled.Settling.Transient >= 1, settled.Render());
            Assert.Contains("settled over 3s (4 passes)", settled.Render(), StringComparison.Ordinal);
            Assert.Contains("accounts: 1 changed key(s): 4242", settled.Render(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    [Fact]
    public async Task Equal_databases_settle_at_once_after_one_pass()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await postgres.CreateDatabaseAsync(ct);
        await using var target = await postgres.CreateDatabaseAsync(ct);
        foreach (var side in new[] { source, target })
            await TestSql.ExecuteAsync(side.ConnectionString, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100);", ct);

        var settled = await new SettledDiff(TimeSpan.FromMinutes(5)).RunAsync(
            token => new PostgresFingerprints().DiffAsync(source.ConnectionString, target.ConnectionString, token), ct);

        Assert.True(settled.AreEqual, settled.Render());
        Assert.Equal(1, settled.Settling!.Passes);
    }

    // Keys 1..4000 only: 4242 stays the seeded difference.
    private static async Task WriteAsync(string source, string target, int seed, CountdownEvent started, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var first = true;
        await using var s = new NpgsqlConnection(source);
        await using var t = new NpgsqlConnection(target);
        await s.OpenAsync(cancellationToken);
        await t.OpenAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var (id, balance) = (random.Next(1, 4001), random.NextInt64(1, 1_000_000));
            await UpdateAsync(s, id, balance, cancellationToken);
            if (first) started.Signal();
            first = false;
            await Task.Delay(Latency, cancellationToken);
            await UpdateAsync(t, id, balance, cancellationToken);
        }
    }

    private static async Task UpdateAsync(NpgsqlConnection connection, long id, long balance, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("UPDATE accounts SET balance = $2 WHERE id = $1", connection);
        update.Parameters.Add(new() { Value = id });
        update.Parameters.Add(new() { Value = balance });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }
}

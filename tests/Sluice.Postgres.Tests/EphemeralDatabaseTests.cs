using Npgsql;
using Sluice.Errors;
using Sluice.Postgres.Databases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

public sealed class EphemeralDatabaseTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Parallel_clones_are_separate_databases_and_all_are_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        var names = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            await using var database = await postgres.CreateDatabaseAsync(ct);
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var write = new NpgsqlCommand($"CREATE TABLE mine (id int); INSERT INTO mine VALUES ({i}); SELECT sum(id) FROM mine", connection);
            Assert.Equal((long)i, await write.ExecuteScalarAsync(ct));
            return database.Name;
        }));

        Assert.Equal(16, names.Distinct().Count());
        Assert.Empty(await ExistingAsync(names, ct));
    }

    [Fact]
    public async Task A_clone_carries_the_templates_contents()
    {
        var ct = TestContext.Current.CancellationToken;
        var template = await CreateTemplateAsync("CREATE TABLE seeded (v text); INSERT INTO seeded VALUES ('from the template')", ct);

        foreach (var strategy in new[] { CloneStrategy.FileCopy, CloneStrategy.WalLog })
        {
            await using var clone = await postgres.Databases.CloneAsync(template, ct, strategy);
            Assert.Equal("from the template", await TestSql.ScalarAsync<object>(clone.ConnectionString, "SELECT v FROM seeded", ct));
        }
    }

    [Fact]
    public async Task Cloning_a_template_someone_is_connected_to_is_refused_naming_the_session_or_terminates_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var template = await CreateTemplateAsync("CREATE TABLE t (id int)", ct);
        var unpooled = new NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString(template)) { Pooling = false, ApplicationName = "lingering-session" };
        await using var lingering = new NpgsqlConnection(unpooled.ConnectionString);
        await lingering.OpenAsync(ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => postgres.Databases.CloneAsync(template, ct));
        Assert.Equal("SLU014", error.Code);
        Assert.Contains(template, error.Message);
        Assert.Contains("lingering-session", error.Message);

        await using var clone = await postgres.Databases.CloneAsync(template, ct, whenConnected: TemplateConnections.Terminate);
        Assert.Equal(0L, await TestSql.ScalarAsync<object>(clone.ConnectionString, "SELECT count(*) FROM t", ct));
    }

    [Fact]
    public async Task A_database_is_dropped_when_the_work_fails_even_with_sessions_open()
    {
        var ct = TestContext.Current.CancellationToken;
        string? name = null;
        NpgsqlConnection? leftOpen = null;

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var database = await postgres.CreateDatabaseAsync(ct);
            name = database.Name;
            leftOpen = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
            await leftOpen.OpenAsync(ct);
            throw new InvalidOperationException("the test failed");
        });

        Assert.Empty(await ExistingAsync([name!], ct));
        await leftOpen!.DisposeAsync();
    }

    [Fact]
    public async Task A_database_is_dropped_when_the_work_is_cancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        string? name = null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var database = await postgres.CreateDatabaseAsync(cancel.Token);
            name = database.Name;
            await using var connection = await database.OpenConnectionAsync(cancel.Token);
            await using var slow = new NpgsqlCommand("SELECT pg_sleep(30)", connection);
            var running = slow.ExecuteNonQueryAsync(cancel.Token);
            await cancel.CancelAsync();
            await running;
        });

        Assert.Empty(await ExistingAsync([name!], ct));
    }

    [Fact]
    public async Task A_cancelled_creation_leaves_nothing_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var longAgo = new FixedClock(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var databases = new EphemeralDatabases(postgres.AdminConnectionString, longAgo);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => databases.CloneAsync(PostgresFixture.TemplateName, new CancellationToken(canceled: true)));

        Assert.Equal(0L, await TestSql.ScalarAsync<object>(postgres.AdminConnectionString, "SELECT count(*) FROM pg_database WHERE datname LIKE 'sluice\\_eph\\_20010203%'", ct));
    }

    [Fact]
    public async Task An_empty_database_has_no_tables()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateEmptyDatabaseAsync(ct);

        Assert.Equal(0L, await TestSql.ScalarAsync<object>(database.ConnectionString, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", ct));
        Assert.Matches("^sluice_eph_[0-9]{14}_[0-9a-f]{8}$", database.Name);
    }

    [Fact]
    public async Task The_sweep_drops_leftovers_older_than_the_age_and_keeps_the_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        // Leftovers of runs that died without disposing: nothing drops them but the sweep.
        var old = await new EphemeralDatabases(postgres.AdminConnectionString, new FixedClock(now.AddHours(-3))).CreateEmptyAsync(ct);
        var recent = await new EphemeralDatabases(postgres.AdminConnectionString, new FixedClock(now.AddMinutes(-10))).CreateEmptyAsync(ct);
        await using var _ = recent;

        var swept = await new EphemeralDatabases(postgres.AdminConnectionString, new FixedClock(now)).SweepAsync(TimeSpan.FromHours(1), ct);

        Assert.Contains(old.Name, swept);
        Assert.DoesNotContain(recent.Name, swept);
        Assert.Equal([recent.Name], await ExistingAsync([old.Name, recent.Name], ct));
        await old.DisposeAsync(); // already gone: disposal tolerates it
    }

    [Fact]
    public void Names_carry_their_creation_time_and_nothing_else_parses()
    {
        var created = new DateTimeOffset(2025, 11, 26, 14, 59, 7, TimeSpan.FromHours(1));
        var name = EphemeralDatabaseName.New(created);

        Assert.Matches("^sluice_eph_20251126135907_[0-9a-f]{8}$", name);
        Assert.True(EphemeralDatabaseName.TryParse(name, out var parsed));
        Assert.Equal(created, parsed);
        Assert.False(EphemeralDatabaseName.TryParse("sluice_eph_2025112613590_deadbeef", out _));
        Assert.False(EphemeralDatabaseName.TryParse("sluice_eph_20251399135907_deadbeef", out _));
        Assert.False(EphemeralDatabaseName.TryParse("postgres", out _));
    }

    private async Task<string> CreateTemplateAsync(string setup, CancellationToken ct)
    {
        var name = $"tpl_{Guid.NewGuid():N}";
        await TestSql.ExecuteAsync(postgres.AdminConnectionString, $"CREATE DATABASE {name}", ct);
        var unpooled = new NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString(name)) { Pooling = false }.ConnectionString;
        await TestSql.ExecuteAsync(unpooled, setup, ct);
        return name;
    }

    private async Task<IReadOnlyList<string>> ExistingAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var query = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname", connection)
        {
            Parameters = { new() { Value = names.ToArray() } },
        };
        var found = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(reader.GetString(0));
        return found;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

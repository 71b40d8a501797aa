using System.Text.RegularExpressions;
using Npgsql;
using Sluice.Build;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Targets;
using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// One environment session per run, seen from outside: a Promote reads its plans once and reaches the environment
/// through one pool and one lease connection (counted by PostgreSQL itself, in its connection log); every target that
/// acts on or judges an environment holds its lease, so a second runner is turned away with exit 3 naming the holder.
/// The build runs in-process against a database of the shared cluster (<c>--database</c>), the sample's plans copied in.
/// </summary>
public sealed class EnvironmentSessionTests(PostgresFixture postgres) : IDisposable
{
    private readonly ThrowawayRoot _root = new("sluice-session-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    /// <summary>The targets of the sample flow that need a session, with the sample's plans behind a counting source.</summary>
    private sealed class SessionBuild(IPlanSource plans) : SluiceBuild, IPromote, IApprove, IRehearse, IDiff, ISnapshot
    {
        public SessionBuild() : this(new FilePlanSource())
        {
        }

        IPlanSource ISluiceComponent.PlanSource => plans;
    }

    /// <summary>Counts loads, and moves the plan files away after the first: a second read anywhere fails the run.</summary>
    private sealed class CountingPlanSource : IPlanSource
    {
        public int Loads { get; private set; }

        public ServicePlans Load(string pipelinesFolder, string? service)
        {
            Loads++;
            var plans = new FilePlanSource().Load(pipelinesFolder, service);
            Directory.Move(pipelinesFolder, pipelinesFolder + ".read");
            return plans;
        }
    }

    /// <summary>Counts loads, and moves the service's migrations away after the first (its schema folder stays: a
    /// rehearsal builds its database from it): a second read of the plans anywhere fails the run.</summary>
    private sealed class CountingMigrationsSource : IPlanSource
    {
        public int Loads { get; private set; }

        public ServicePlans Load(string pipelinesFolder, string? service)
        {
            Loads++;
            var plans = new FilePlanSource().Load(pipelinesFolder, service);
            var migrations = Path.Combine(plans.ServiceFolder, "migrations");
            Directory.Move(migrations, migrations + ".read");
            return plans;
        }
    }

    private async Task<EphemeralDatabase> ShopAsync()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var load = new NpgsqlCommand(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "pipelines", "shop", "schema", "0000_base.sql")), connection);
        await load.ExecuteNonQueryAsync(Ct);
        return database;
    }

    private async Task<(ExitCode Exit, string Output)> RunAsync(string arguments, string connectionString, IPlanSource? plans = null)
    {
        var output = new StringWriter();
        var build = new SessionBuild(plans ?? new FilePlanSource());
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(["--root", _root.Path, "--database", connectionString]).ToList();
        var result = await BuildRunner.RunAsync(build, new RunSettings(args, new Dictionary<string, string>(), _root.Path, output), [], Ct);
        return (result.ExitCode, output.ToString());
    }

    [Fact]
    public async Task One_Promote_reads_the_plans_once_and_opens_one_pool_and_the_lease_connection()
    {
        await using var shop = await ShopAsync();
        var database = new NpgsqlConnectionStringBuilder(shop.ConnectionString).Database!;
        await using var log = await ConnectionLog.StartAsync(postgres, Ct);

        var plans = new CountingPlanSource();

        var (exit, output) = await RunAsync("Promote --env local", shop.ConnectionString, plans);

        Assert.True(exit == ExitCode.Success, output);
        Assert.Contains("promoted 1 plan(s) to 'local'", output);
        Assert.Equal(1, plans.Loads);
        var connections = log.Connections(database);
        // The session's pool, for everything: the fingerprint reader's snapshot sessions (the schema and data baselines)
        // too. No pool of its own for the release journal, the history or the evidence. The lease's own connection
        // lives in the maintenance database, so that a restore can replace this one under it (PostgresLeaseProvider).
        Assert.Equal(["sluice"], connections.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("sluice-lease", log.Connections("postgres").Keys);
    }

    [Fact]
    public async Task One_Rehearse_rehearses_the_plans_the_run_loaded_and_reads_them_once()
    {
        await using var shop = await ShopAsync();
        var plans = new CountingMigrationsSource();

        var (exit, output) = await RunAsync("Rehearse --env local --workload-runs 1", shop.ConnectionString, plans);

        Assert.True(exit == ExitCode.Success, output);
        Assert.Equal(1, plans.Loads);
        Assert.Contains("0001_split_customer_name", output);
    }

    [Theory]
    [InlineData("Gate")]
    [InlineData("Rehearse")]
    [InlineData("Profile")]
    [InlineData("Approve")]
    [InlineData("Promote")]
    [InlineData("Migrate")]
    [InlineData("Rollback")]
    [InlineData("Snapshot")]
    public async Task A_second_runner_during_the_target_exits_3_naming_the_holder(string target)
    {
        // Approve records who ran it and accepts only that person (issue 19), so it approves as the test's own user.
        if (target == "Approve") target = $"Approve --by {Environment.UserName}";
        await using var shop = await ShopAsync();
        await using (var first = new PostgresMigrationDatabase(shop.ConnectionString))
        {
            await using var lease = await first.Providers.Leases.AcquireAsync("local", new RunnerIdentity("first", "runner-host", null), Ct);

            var (exit, output) = await RunAsync($"{target} --env local", shop.ConnectionString);

            Assert.True(exit == ExitCode.EnvironmentBusy, $"{target}: expected exit 3, got {(int)exit}:\n{output}");
            Assert.Contains("SLU040", output);
            Assert.Contains("held by first@runner-host since", output);
        }

        // With the first runner gone, the target runs and leaves the environment free behind it.
        await using var after = new PostgresMigrationDatabase(shop.ConnectionString);
        if (target is "Gate" or "Profile" || target.StartsWith("Approve", StringComparison.Ordinal))
        {
            var (exit, output) = await RunAsync($"{target} --env local", shop.ConnectionString);
            Assert.True(exit == ExitCode.Success, output);
            Assert.Null(await after.Providers.Leases.ReadHolderAsync("local", Ct));
        }
    }

    [Fact]
    public async Task RestoreSnapshot_holds_the_lease_a_second_runner_exits_3_naming_the_holder_and_the_restore_leaves_the_environment_free()
    {
        await using var shop = await ShopAsync();
        var (taken, snapshot) = await RunAsync("Snapshot --env local", shop.ConnectionString);
        Assert.True(taken == ExitCode.Success, snapshot);
        var id = Regex.Match(snapshot, @"snapshot (\S+) of ").Groups[1].Value;
        await TestSql.ScalarAsync<int>(shop.ConnectionString, "WITH gone AS (DELETE FROM orders RETURNING 1) SELECT count(*)::int FROM gone", Ct);
        var restore = $"RestoreSnapshot --env local --snapshot {id} --force";

        await using (var first = new PostgresMigrationDatabase(shop.ConnectionString))
        await using (await first.Providers.Leases.AcquireAsync("local", new RunnerIdentity("first", "runner-host", null), Ct))
        {
            var (busy, output) = await RunAsync(restore, shop.ConnectionString);
            Assert.True(busy == ExitCode.EnvironmentBusy, $"expected exit 3, got {(int)busy}:\n{output}");
            Assert.Contains("held by first@runner-host since", output);
        }
        var (restored, restoreOutput) = await RunAsync(restore, shop.ConnectionString);

        Assert.True(restored == ExitCode.Success, restoreOutput);
        Assert.Contains($"restored from snapshot {id}", restoreOutput);
        Assert.True(await TestSql.ScalarAsync<long>(shop.ConnectionString, "SELECT count(*) FROM orders", Ct) > 0);
        await using var after = new PostgresMigrationDatabase(shop.ConnectionString);
        Assert.Null(await after.Providers.Leases.ReadHolderAsync("local", Ct));
        Assert.Contains((await after.Providers.Journal.ReadEventsAsync(null, Ct)).Select(e => e.Message), m => m.Contains("through the replacement of its database"));
    }

    [Fact]
    public async Task Diff_compares_two_databases_through_the_provider_and_keeps_their_passwords_out_of_the_output()
    {
        await using var shop = await ShopAsync();
        await using var empty = await postgres.CreateDatabaseAsync(Ct);
        var password = new NpgsqlConnectionStringBuilder(shop.ConnectionString).Password!;

        var same = await RunAsync($"Diff --source {shop.ConnectionString} --target {shop.ConnectionString}", shop.ConnectionString);
        var different = await RunAsync($"Diff --source {shop.ConnectionString} --target {empty.ConnectionString}", shop.ConnectionString);

        Assert.True(same.Exit == ExitCode.Success, same.Output);
        Assert.Equal(ExitCode.TargetFailed, different.Exit);
        Assert.Contains("error SLU", different.Output);
        Assert.Contains(" differ: ", different.Output);
        Assert.DoesNotContain(password, same.Output + different.Output);
    }

    [Fact]
    public void The_components_assembly_does_not_reference_Npgsql()
    {
        var references = typeof(IPromote).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Sluice", references);
        Assert.DoesNotContain("Npgsql", references);
    }

    /// <summary>The shared cluster's own record of every connection (<c>log_connections</c>), from now on.</summary>
    private sealed class ConnectionLog : IAsyncDisposable
    {
        private readonly string _path;
        private readonly long _start;

        private ConnectionLog(string path, long start)
        {
            _path = path;
            _start = start;
        }

        public static async Task<ConnectionLog> StartAsync(PostgresFixture postgres, CancellationToken ct)
        {
            await using (var admin = new NpgsqlConnection(postgres.AdminConnectionString))
            {
                await admin.OpenAsync(ct);
                await using var on = new NpgsqlCommand("ALTER SYSTEM SET log_connections = on; SELECT pg_reload_conf()", admin);
                await on.ExecuteNonQueryAsync(ct);
            }
            // The reload reaches new backends once the postmaster has read it.
            for (var i = 0; i < 100; i++)
            {
                await using var probe = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Pooling = false }.ConnectionString);
                await probe.OpenAsync(ct);
                await using var show = new NpgsqlCommand("SHOW log_connections", probe);
                if ((string?)await show.ExecuteScalarAsync(ct) == "on") break;
                await Task.Delay(50, ct);
            }
            var path = Path.Combine(postgres.Cluster.DataDirectory, "sluice-server.log");
            return new ConnectionLog(path, new FileInfo(path).Length);
        }

        /// <summary>Connections made to <paramref name="database"/>, by application name.</summary>
        public IReadOnlyDictionary<string, int> Connections(string database)
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(_start, SeekOrigin.Begin);
            var text = new StreamReader(stream).ReadToEnd();
            return Regex.Matches(text, $@"connection authorized: user=\S+ database={Regex.Escape(database)}(?: application_name=(\S+))?")
                .GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Count());
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

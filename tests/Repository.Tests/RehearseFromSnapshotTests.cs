using Npgsql;
using Sluice.Build;
using Sluice.Postgres.Databases;
using Sluice.Targets;
using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// <c>Rehearse --from-snapshot</c> from the command line on a database of this machine (the shared cluster, through
/// <c>--database</c>): the sample's plans rehearsed on a copy restored from its verified pg_dump snapshot, the report and
/// the journal's evidence naming the snapshot; and the refusals, exit 2 before anything is restored.
/// </summary>
public sealed class RehearseFromSnapshotTests(PostgresFixture postgres) : IDisposable
{
    private readonly ThrowawayRoot _root = new("sluice-rehearse-snapshot-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class RehearsingBuild : SluiceBuild, IRehearse, ISnapshot;

    private async Task<(ExitCode Exit, string Output)> RunAsync(string arguments, string connectionString)
    {
        var output = new StringWriter();
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(["--root", _root.Path, "--database", connectionString]).ToList();
        var result = await BuildRunner.RunAsync(new RehearsingBuild(), new RunSettings(args, new Dictionary<string, string>(), _root.Path, output), [], Ct);
        return (result.ExitCode, output.ToString());
    }

    /// <summary>The sample's base schema with a few hundred customers: data a snapshot carries and a synthetic run would not.</summary>
    private async Task<EphemeralDatabase> ShopWithCustomersAsync()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using (var schema = new NpgsqlCommand(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "pipelines", "shop", "schema", "0000_base.sql")), connection))
            await schema.ExecuteNonQueryAsync(Ct);
        await using (var rows = new NpgsqlCommand("INSERT INTO customers (full_name, email) SELECT 'Ada Lovelace ' || g, 'ada' || g || '@example.com' FROM generate_series(1, 300) g", connection))
            await rows.ExecuteNonQueryAsync(Ct);
        return database;
    }

    [Fact]
    public async Task Local_rehearse_from_the_latest_verified_snapshot_runs_on_its_copy_and_records_which()
    {
        await using var shop = await ShopWithCustomersAsync();
        var (taken, takeOutput) = await RunAsync("Snapshot VerifySnapshot --env local", shop.ConnectionString);
        Assert.True(taken == ExitCode.Success, takeOutput);
        var id = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(_root.Path, ".sluice", "snapshots", "local"))));

        var (exit, output) = await RunAsync("Rehearse --env local --from-snapshot latest", shop.ConnectionString);

        Assert.True(exit == ExitCode.Success, output);
        Assert.Contains($"rehearsed on a copy restored from snapshot {id}", output);
        Assert.Contains("0001_split_customer_name", output);
        await using var connection = new NpgsqlConnection(shop.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var evidence = new NpgsqlCommand(
            "SELECT DISTINCT report->'report'->'snapshot'->>'id' || ' ' || (report->'report'->'snapshot'->>'rows') FROM sluice.rehearsal_evidence", connection);
        var recorded = (string)(await evidence.ExecuteScalarAsync(Ct))!;
        Assert.StartsWith($"{id} ", recorded);
        Assert.True(long.Parse(recorded.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 300, recorded);
        // The environment itself is where it was: nothing of the plans ran on it.
        await using var columns = new NpgsqlCommand("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'first_name'", connection);
        Assert.Equal(0L, await columns.ExecuteScalarAsync(Ct));
    }

    [Theory]
    [InlineData("Rehearse --env local --from-snapshot latest", "SLU260", "has no snapshot to rehearse on")]
    [InlineData("Rehearse --env local --from-snapshot latest --scale 2", "SLU264", "--scale shape synthetic data")]
    public async Task Local_rehearse_from_snapshot_refusals_exit_2_before_anything_runs(string arguments, string code, string says)
    {
        await using var shop = await ShopWithCustomersAsync();

        var (exit, output) = await RunAsync(arguments, shop.ConnectionString);

        Assert.True(exit == ExitCode.UsageError, output);
        Assert.Contains(code, output);
        Assert.Contains(says, output);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, ".sluice", "reports")), output);
    }
}

using Npgsql;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;
using Sluice.Tests;

namespace Shop.Tests;

/// <summary>
/// A fresh shop database in the state after the first <c>phases</c> phases of the sample plan (0: the base schema
/// only, 5: every phase), migrated by Sluice itself from a copy of the plan cut after that phase.
/// </summary>
internal static class PhaseStates
{
    public static readonly string[] Phases = ["add_split_columns", "backfill_split_name", "index_last_name", "read_split_name", "drop_full_name"];

    public static async Task<EphemeralDatabase> CreateAsync(PostgresFixture postgres, int phases, CancellationToken ct)
    {
        var database = await postgres.CreateDatabaseAsync(ct);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var load = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Pipelines, "shop", "schema", "0000_base.sql"), ct), connection);
            await load.ExecuteNonQueryAsync(ct);
        }
        if (phases == 0) return database;
        var pipelines = Path.Combine(Path.GetTempPath(), $"shop-pipes-{Guid.NewGuid():N}");
        try
        {
            await WritePlanAsync(pipelines, phases, ct);
            await using var target = new PostgresMigrationDatabase(database.ConnectionString);
            var result = await target.Service().MigrateAsync(new MigrationRequest(pipelines, null, "local", By: new RunnerIdentity("shop-test", "host", null)), null, ct);
            Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        }
        finally
        {
            Directory.Delete(pipelines, recursive: true);
        }
        return database;
    }

    /// <summary>The sample plan cut to its first <paramref name="phases"/> phases, under <paramref name="pipelines"/>/shop.</summary>
    public static async Task WritePlanAsync(string pipelines, int phases, CancellationToken ct)
    {
        var folder = Path.Combine(pipelines, "shop", "migrations", "0001_split_customer_name");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.SamplePlan)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        if (phases >= Phases.Length) return;
        var plan = Path.Combine(folder, "plan.yaml");
        var yaml = await File.ReadAllTextAsync(plan, ct);
        await File.WriteAllTextAsync(plan, yaml[..yaml.IndexOf($"  - name: {Phases[phases]}", StringComparison.Ordinal)], ct);
    }
}

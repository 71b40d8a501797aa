using System.Globalization;
using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Tests;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

public sealed class BadPlanDatabaseTests(PostgresFixture postgres)
{
    public static TheoryData<string> Cases => [.. Directory.EnumerateDirectories(RepositoryFiles.BadPlans).Select(d => Path.GetFileName(d)).Order()];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_broken_plan_is_rejected_before_anything_touches_the_database(string folder)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Empty();
        foreach (var planFolder in Directory.EnumerateDirectories(Path.Combine(RepositoryFiles.BadPlans, folder)))
            Copy(planFolder, Path.Combine(plans.MigrationsFolder, Path.GetFileName(planFolder)));
        var before = await SnapshotAsync(database.ConnectionString, ct);

        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: new RunnerIdentity("t", "h", null)), null, ct));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.StartsWith(plans.MigrationsFolder, error.File);
        Assert.NotNull(error.Line);
        Assert.NotNull(error.Remedy);
        Assert.Equal(before, await SnapshotAsync(database.ConnectionString, ct));
    }

    /// <summary>pg_dump's schema of the database and every table's row count: equal snapshots, untouched database.</summary>
    private async Task<string> SnapshotAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var dump = await postgres.Cluster.Toolchain.RunClientProgramAsync("pg_dump",
            ["--schema-only", "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!],
            cancellationToken, new Dictionary<string, string> { ["PGPASSWORD"] = builder.Password! });
        Assert.True(dump.Succeeded, dump.Output);
        // Exact counts of every table (statistics views lag behind and would make the comparison flaky).
        var counts = await ShopDatabase.ScalarAsync<string>(connectionString, """
            SELECT string_agg(format('%s.%s=%s', table_schema, table_name,
                       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text),
                   ',' ORDER BY table_schema, table_name)
            FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
            """, cancellationToken);
        // Recent pg_dump versions wrap the dump in \restrict/\unrestrict lines with a random key each time.
        var schema = string.Join('\n', dump.StandardOutput.Split('\n').Where(l => !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal)));
        return $"{schema}\n{counts}";
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}

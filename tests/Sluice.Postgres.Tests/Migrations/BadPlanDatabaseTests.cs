using System.Globalization;
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

    /// <summary>Every object outside the system schemas, read from the catalog (schemas, relations, columns,
    /// functions, triggers, constraints), and every table's row count: equal snapshots, untouched database. The catalog
    /// rather than pg_dump, so it reads any server version (a pg_dump refuses a server newer than itself).</summary>
    private static async Task<string> SnapshotAsync(string connectionString, CancellationToken cancellationToken)
    {
        var schema = await TestSql.ScalarAsync<string>(connectionString, """
            WITH user_ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema')
            SELECT string_agg(x, E'\n' ORDER BY x) FROM (
                SELECT format('schema %s', nspname) AS x FROM user_ns
                UNION ALL SELECT format('relation %s %s', c.oid::regclass, c.relkind) FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
                UNION ALL SELECT format('column %s.%s %s %s', a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull)
                          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN user_ns n ON n.oid = c.relnamespace
                          WHERE a.attnum > 0 AND NOT a.attisdropped
                UNION ALL SELECT format('function %s %s', p.oid::regprocedure, md5(p.prosrc)) FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
                UNION ALL SELECT format('trigger %s on %s', tgname, tgrelid::regclass) FROM pg_trigger WHERE NOT tgisinternal
                UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(co.oid)) FROM pg_constraint co JOIN user_ns n ON n.oid = co.connamespace
            ) objects
            """, cancellationToken);
        // Exact counts of every table (statistics views lag behind and would make the comparison flaky).
        var counts = await TestSql.ScalarAsync<string>(connectionString, """
            SELECT string_agg(format('%s.%s=%s', table_schema, table_name,
                       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text),
                   ',' ORDER BY table_schema, table_name)
            FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
            """, cancellationToken);
        return $"{schema}\n{counts}";
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}

using Sluice.Environments;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>What the release tests share: a request for the local environment, and the database's state as one checksum.</summary>
internal static class ReleaseFixtures
{
    public static readonly RunnerIdentity Runner = new("runner", "host", null);

    /// <summary>The public schema's shape (order-free) and every public table's rows, as one text: equal text, equal state.</summary>
    public const string PublicState = """
        SELECT md5(coalesce((SELECT string_agg(x, E'\n' ORDER BY x) FROM (
            SELECT format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) AS x FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT format('trigger %s on %s', tgname, tgrelid::regclass) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL SELECT format('view %s', viewname) FROM pg_views WHERE schemaname = 'public'
            UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ) shape), '')
        || (SELECT md5(coalesce(string_agg(c::text, E'\n' ORDER BY id), '')) FROM customers c)
        || (SELECT md5(coalesce(string_agg(o::text, E'\n' ORDER BY id), '')) FROM orders o))
        """;

    /// <summary>Row counts of the service's tables, for "touched nothing" checks.</summary>
    public const string RowCounts = "SELECT format('customers %s orders %s', (SELECT count(*) FROM customers), (SELECT count(*) FROM orders))";

    public static Task<string> StateAsync(string connectionString, CancellationToken ct) => TestSql.ScalarAsync<string>(connectionString, PublicState, ct);

    public static MigrationRequest Request(PlanCopy plans, string environment = "local") => new(plans.Pipelines, null, environment, By: Runner);

    public static PromoteRequest Promote(PostgresReleaseDatabase database, PlanCopy plans, EnvironmentSpec? spec = null, string environment = "local",
        IReadOnlyList<EarlierEnvironment>? earlier = null, IPromotionHistory? history = null) =>
        new(Request(plans, environment), spec ?? EnvironmentSpec.LocalDefault, earlier ?? [],
            database.Sources(history ?? new PostgresPromotionHistory((_, _) => Task.FromResult<string?>(null))));

    /// <summary>A local promote whose snapshot gate reads <paramref name="folder"/>'s catalog and which takes and verifies a
    /// snapshot in <paramref name="store"/> when that gate asks for one (a plan with an irreversible phase).</summary>
    public static PromoteRequest PromoteWithSnapshots(PostgresReleaseDatabase database, PlanCopy plans, ISnapshotStore store, string folder, string connectionString) =>
        Promote(database, plans) with
        {
            Sources = database.Sources(new PostgresPromotionHistory((_, _) => Task.FromResult<string?>(null)), new SnapshotCatalogSource(new SnapshotCatalog(folder))),
            Snapshot = new StoreReleaseSnapshot(store, connectionString),
        };
}

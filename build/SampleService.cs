using Npgsql;
using Sluice.Build;
using Sluice.Errors;
using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Targets;

namespace Sluice.Repository;

/// <summary>
/// The sample shop service's starting point on the local environment: its base schema and seed rows
/// (<c>pipelines/shop/schema/0000_base.sql</c>), loaded only where they belong. Other environments already hold their
/// service's data and are never seeded, except one that declares <c>synthetic_data</c> (row 5). The rules, in order:
/// <list type="number">
/// <item>The run is for another service (<c>--service</c>, or the only one under <c>--pipelines</c>): nothing is
/// loaded; the shop's schema belongs in the shop's database only.</item>
/// <item>The database already holds the shop's base schema (<c>public.customers</c>): nothing to do.</item>
/// <item>The database holds other tables: it is someone else's database (a <c>database</c> key pointing elsewhere);
/// refused with SLU126, naming the database and a table, before anything is loaded.</item>
/// <item>Otherwise (a database with no user tables): the base schema and its seed rows are loaded in one transaction.</item>
/// <item>When the environment declares <c>synthetic_data</c> (a profile file; staging's is production's), the seed rows
/// of row 4 are replaced by synthetic rows following that profile. The profile is read before anything is loaded, so
/// a bad one fails (exit 2) with the database untouched.</item>
/// </list>
/// </summary>
internal static class SampleService
{
    public const string Name = "shop";
    public const string BaseSchema = "pipelines/shop/schema/0000_base.sql";

    public static async Task SeedAsync(ISluiceComponent build, CancellationToken ct)
    {
        var service = build.SessionRequest.ServiceName;
        if (service != Name)
        {
            build.Host.Info($"SeedSample seeds only the sample service '{Name}'; this run is for {(service is null ? "no single service" : $"service '{service}'")}: nothing loaded");
            return;
        }
        var syntheticData = build.SessionRequest.EffectiveSpec.SyntheticData;
        var profile = syntheticData is null ? null : await ProfileFile.ReadAsync(Path.GetFullPath(syntheticData, build.Root), ct);
        // The repository's own seeding step works on the database directly, outside the run's session.
        var connectionString = await build.SessionProvider.ConnectionStringAsync(build.SessionRequest, ct);
        var database = build.SessionProvider.Describe(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var probe = new NpgsqlCommand("""
                         SELECT to_regclass('public.customers') IS NOT NULL,
                                (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice')
                                   AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
                                 ORDER BY 1 LIMIT 1)
                         """, connection))
        await using (var reader = await probe.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            if (reader.GetBoolean(0))
            {
                build.Host.Info($"the sample service's base schema is already there in {database}");
                return;
            }
            if (!reader.IsDBNull(1))
                throw SluiceException.Usage(ErrorCodes.SampleTargetNotEmpty,
                    $"database {database} holds other tables ({reader.GetString(1)}, ...) but not the shop's: refusing to load {BaseSchema} into it",
                    "the shop's schema goes into the shop's own database: remove the local environment's 'database' key, or point it at an empty database");
        }
        var sql = await File.ReadAllTextAsync(Path.Combine(build.Root, BaseSchema), ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var load = new NpgsqlCommand(sql, connection, transaction)) await load.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        build.Host.Info($"loaded {BaseSchema} into {database}");
        if (profile is null) return;

        build.Host.Info($"filling {database} with synthetic data shaped like {profile.Source} ({syntheticData}: {profile.TotalRows:N0} rows, statistics only) ...");
        await using (var truncate = new NpgsqlCommand("TRUNCATE customers, orders RESTART IDENTITY", connection)) await truncate.ExecuteNonQueryAsync(ct);
        var filled = await SyntheticDataGenerator.FillAsync(connectionString, profile, new SyntheticOptions(), ct);
        build.Host.Info($"filled {database}: {string.Join(", ", filled.Tables.Select(t => $"{t.Table} {t.Rows:N0} rows"))} in {filled.Elapsed.TotalSeconds:F1} s");
    }
}

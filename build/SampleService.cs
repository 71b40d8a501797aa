using Npgsql;
using Sluice.Build;
using Sluice.Targets;

namespace Sluice.Repository;

/// <summary>
/// The sample shop service's starting point on the local environment: its base schema and seed rows
/// (<c>pipelines/shop/schema/0000_base.sql</c>), loaded once into a database that has none, so the sample plans have
/// something real to migrate. Other environments already hold their service's data and are never seeded.
/// </summary>
internal static class SampleService
{
    public const string BaseSchema = "pipelines/shop/schema/0000_base.sql";

    public static async Task SeedAsync(ISluiceComponent build, CancellationToken ct)
    {
        var connectionString = await EnvironmentAccess.ConnectionStringAsync(build, ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('public.customers') IS NOT NULL", connection))
        {
            if ((bool)(await probe.ExecuteScalarAsync(ct))!)
            {
                build.Host.Info("the sample service's base schema is already there");
                return;
            }
        }
        var sql = await File.ReadAllTextAsync(Path.Combine(build.Root, BaseSchema), ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var load = new NpgsqlCommand(sql, connection, transaction)) await load.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        build.Host.Info($"loaded {BaseSchema} into {EnvironmentAccess.Describe(connectionString)}");
    }
}

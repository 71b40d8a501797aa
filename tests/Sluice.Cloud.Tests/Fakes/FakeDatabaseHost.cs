using System.Globalization;
using Npgsql;
using Sluice.Postgres.Clusters;

namespace Sluice.Cloud.Tests.Fakes;

/// <summary>
/// What a cloud fake keeps real: a provider snapshot is a <c>pg_dump</c> of the source database, and a restored instance
/// or server is a PostgreSQL cluster of its own (its own port, the source's database name and superuser password, as a
/// managed restore gives them) loaded from that dump.
/// </summary>
public sealed class FakeDatabaseHost(PostgresToolchain toolchain) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fake-cloud-").FullName;

    public static async Task<FakeDatabaseHost> StartAsync(CancellationToken cancellationToken) => new(await PostgresToolchain.DetectAsync(cancellationToken));

    /// <summary>Dumps the source database; the snapshot's data.</summary>
    public async Task<FakeDump> DumpAsync(string name, string sourceConnectionString, CancellationToken cancellationToken)
    {
        var file = Path.Combine(_folder, $"{name}.dump");
        var dump = await toolchain.RunClientProgramAsync("pg_dump", ["--format=custom", $"--file={file}", "--no-password"], cancellationToken, Libpq(sourceConnectionString));
        if (!dump.Succeeded) throw new InvalidOperationException($"the fake's pg_dump failed: {dump.Output}");
        var source = new NpgsqlConnectionStringBuilder(sourceConnectionString);
        return new FakeDump(file, source.Database!, source.Password ?? "");
    }

    /// <summary>A new cluster holding the dump, with <paramref name="corruptSql"/> run on it when given.</summary>
    public async Task<LocalCluster> RestoreAsync(FakeDump dump, string? corruptSql)
    {
        var cluster = await LocalCluster.StartEphemeralAsync(toolchain, CancellationToken.None);
        try
        {
            await using (var admin = new NpgsqlConnection(cluster.ConnectionString()))
            {
                await admin.OpenAsync();
                await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{dump.Database}\"", admin)) await create.ExecuteNonQueryAsync();
                await using (var password = new NpgsqlCommand($"ALTER ROLE \"{cluster.Superuser}\" PASSWORD '{dump.Password}'", admin)) await password.ExecuteNonQueryAsync();
            }
            var copy = ConnectionString(cluster, dump);
            var restore = await toolchain.RunClientProgramAsync("pg_restore",
                ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", $"--dbname={dump.Database}", dump.File], CancellationToken.None, Libpq(copy));
            if (!restore.Succeeded) throw new InvalidOperationException($"the fake's pg_restore failed: {restore.Output}");
            if (corruptSql is not null)
            {
                await using var connection = new NpgsqlConnection(copy);
                await connection.OpenAsync();
                await using var corrupt = new NpgsqlCommand(corruptSql, connection);
                await corrupt.ExecuteNonQueryAsync();
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The restored database on <paramref name="cluster"/>, as the source's user would reach it.</summary>
    public static string ConnectionString(LocalCluster cluster, FakeDump dump) =>
        new NpgsqlConnectionStringBuilder(cluster.ConnectionString(dump.Database)) { Password = dump.Password, Pooling = false }.ConnectionString;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Dictionary<string, string> Libpq(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return new Dictionary<string, string>
        {
            ["PGHOST"] = b.Host!, ["PGPORT"] = b.Port.ToString(CultureInfo.InvariantCulture), ["PGDATABASE"] = b.Database!,
            ["PGUSER"] = b.Username!, ["PGPASSWORD"] = b.Password ?? "",
        };
    }
}

/// <summary>A snapshot's data: the dump file, and the database name and password a restore gives back.</summary>
public sealed record FakeDump(string File, string Database, string Password);

using System.Globalization;
using Npgsql;
using Sluice.Drills;
using Sluice.Postgres.Clusters;

namespace Sluice.Postgres.Drills;

/// <summary>
/// A throwaway primary (an ephemeral cluster under <c>/tmp</c>, WAL kept for a replica) with a streaming standby of it:
/// where a lost-primary drill's working copy lives, so crashing the primary touches neither the environment's server
/// nor its replica. Disposing it removes the standby and the primary, whatever state the drill left them in.
/// </summary>
internal sealed class PostgresDrillStandby : IDrillStandby, IAsyncDisposable
{
    private readonly LocalCluster _primary;
    private readonly StreamingReplica _replica;

    private PostgresDrillStandby(LocalCluster primary, StreamingReplica replica)
    {
        _primary = primary;
        _replica = replica;
    }

    /// <summary>Starts the throwaway primary and its standby.</summary>
    public static async Task<PostgresDrillStandby> StartAsync(PostgresToolchain toolchain, CancellationToken cancellationToken)
    {
        var primary = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, StreamingReplica.PrimarySettings);
        // Beside the primary's data folder, inside the folder its disposal deletes.
        var replica = new StreamingReplica(primary, new StreamingReplicaOptions
        {
            DataDirectory = Path.Combine(Path.GetDirectoryName(primary.DataDirectory)!, "standby"),
        });
        try
        {
            await replica.StartAsync(cancellationToken);
        }
        catch
        {
            await replica.RemoveAsync(CancellationToken.None);
            await primary.DisposeAsync();
            throw;
        }
        return new PostgresDrillStandby(primary, replica);
    }

    /// <summary>A superuser connection to the primary's <c>postgres</c> database, where the working copy is made.</summary>
    public string AdminConnectionString => _primary.ConnectionString();

    public string Location => $"127.0.0.1:{_replica.Standby.Port}";

    /// <summary>What the service connects with: both servers, the one accepting writes wanted, and a host's state rechecked
    /// each second, so the promoted standby is found as soon as it accepts writes.</summary>
    public string ServiceConnectionString(string database) => new NpgsqlConnectionStringBuilder(_primary.ConnectionString(database))
    {
        Host = $"127.0.0.1:{_primary.Port},127.0.0.1:{_replica.Standby.Port}",
        TargetSessionAttributes = "read-write",
        HostRecheckSeconds = 1,
    }.ConnectionString;

    public Task WaitForReplayAsync(CancellationToken cancellationToken) => _replica.WaitForReplayAsync(cancellationToken);

    public async Task<string> LosePrimaryAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        // The evidence for the rows lost: what the primary had flushed (all a WAL sender can stream) against what the
        // standby had received once the primary was gone.
        var flushed = await ScalarAsync<string>(_primary.ConnectionString(), "SELECT pg_current_wal_flush_lsn()::text", null, cancellationToken);
        var result = await _primary.Toolchain.RunServerProgramAsync("pg_ctl", ["stop", "-w", "-s", "-m", "immediate", "-D", _primary.DataDirectory], cancellationToken);
        if (!result.Succeeded && _primary.IsRunning)
            throw new InvalidOperationException($"could not crash the drill's primary in '{_primary.DataDirectory}': {result.Output.Trim()}");
        var inFlight = await ScalarAsync<long>(_replica.Standby.ConnectionString(),
            "SELECT coalesce(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_receive_lsn()), 0)::bigint", flushed, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture,
            $"the primary 127.0.0.1:{_primary.Port} crashed (immediate shutdown) with WAL flushed to {flushed}, {Math.Max(inFlight, 0):N0} bytes of it not yet received by the standby");
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, string? lsn, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        if (lsn is not null) command.Parameters.Add(new NpgsqlParameter { Value = lsn });
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<string> PromoteAsync(CancellationToken cancellationToken)
    {
        await _replica.PromoteAsync(cancellationToken);
        NpgsqlConnection.ClearAllPools();
        return $"standby {Location} promoted; the service's connection string reaches it as the server accepting writes";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _replica.RemoveAsync(CancellationToken.None);
        }
        finally
        {
            await _primary.DisposeAsync();
        }
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Errors;

namespace Sluice.Postgres.Clusters;

/// <summary>
/// A streaming standby of a running <see cref="LocalCluster"/> on the same machine: <see cref="CreateAsync"/> reserves a
/// physical replication slot on the primary and copies it through the server's backup functions
/// (<see cref="ServerBaseBackup"/>: no client program, so every supported major) into a folder of its own, marked
/// <c>standby.signal</c>; <see cref="StartAsync"/> runs it on its own port on 127.0.0.1, following the primary over its
/// unix socket (<c>primary_conninfo</c>, <c>primary_slot_name</c>, rewritten before every start, so a primary that moved
/// port is followed). <see cref="PromoteAsync"/> turns it into a primary of its own (a lost-primary drill);
/// <see cref="RemoveAsync"/> deletes it and its slot, so the primary stops keeping WAL for it.
/// </summary>
public sealed class StreamingReplica
{
    private const string StandbySignal = "standby.signal";

    /// <summary>Server settings a primary needs for a standby: full WAL, WAL senders and slots (a throwaway cluster's
    /// defaults turn both off), and commits that flush their WAL. A WAL sender streams only flushed WAL; under a
    /// throwaway cluster's <c>synchronous_commit = off</c> a commit returns while its WAL waits up to
    /// <c>wal_writer_delay</c> (200 ms) in shared memory, so a crash right after the commits threw away every one of them
    /// before any reached the standby (the lost-primary drill lost all its rows however fast the loopback was).</summary>
    public static IReadOnlyDictionary<string, string> PrimarySettings { get; } = new Dictionary<string, string>
    {
        ["wal_level"] = "replica",
        ["max_wal_senders"] = "4",
        ["max_replication_slots"] = "4",
        ["synchronous_commit"] = "on",
    };
    private readonly LocalCluster _primary;
    private readonly StreamingReplicaOptions _options;
    private LocalCluster _standby;

    public StreamingReplica(LocalCluster primary, StreamingReplicaOptions options)
    {
        _primary = primary;
        _options = options;
        _standby = NewStandby();
    }

    /// <summary>The standby as a cluster: its port (after <see cref="StartAsync"/>), connection strings, data folder.</summary>
    public LocalCluster Standby => _standby;

    public LocalCluster Primary => _primary;

    public string SlotName => _options.SlotName;

    /// <summary>True when the folder holds a copy of the primary (a standby, or one promoted since).</summary>
    public bool IsCreated => _standby.IsInitialized;

    /// <summary>True while the standby is in recovery: it has not been promoted.</summary>
    public bool IsStandby => File.Exists(Path.Combine(_standby.DataDirectory, StandbySignal));

    /// <summary>Reserves the slot and copies the running primary into the data folder; a no-op when it holds a copy
    /// already. SLU240 when the base backup fails (its folder is removed again), SLU011 when the folder is unusable.</summary>
    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        if (IsCreated) return;
        if (!_primary.IsRunning)
            throw new InvalidOperationException($"the primary in '{_primary.DataDirectory}' is not running; start it before creating its replica");
        await _standby.PrepareFoldersAsync(cancellationToken);
        await EnsureSlotAsync(cancellationToken);
        var toolchain = _primary.Toolchain;
        try
        {
            await ServerBaseBackup.CopyAsync(_primary, _standby.DataDirectory, cancellationToken);
        }
        catch (Exception e)
        {
            // Whatever stopped the copy (a lost connection, Ctrl-C), a half copy must not stay: IsCreated would take it
            // for a standby, and one started without its backup_label recovers from the wrong checkpoint.
            DeleteIfExists(_standby.DataDirectory);
            if (e is not (PostgresException or IOException or UnauthorizedAccessException)) throw;
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ReplicaFailed,
                $"the base backup of the cluster in '{_primary.DataDirectory}' failed: {e.Message}",
                "the primary needs wal_level replica or logical and max_wal_senders above 0 (the defaults); read the message above", inner: e);
        }
        await toolchain.Account.GiveAsync(_standby.DataDirectory, cancellationToken);
        // The copy carries the primary's server log; the standby writes its own.
        File.Delete(ServerLog.PathIn(_standby.DataDirectory));
        var signal = Path.Combine(_standby.DataDirectory, StandbySignal);
        await File.WriteAllTextAsync(signal, "", cancellationToken);
        await toolchain.Account.GiveAsync(signal, cancellationToken);
        toolchain.Logger.LogInformation("created a streaming replica of {Primary} in {DataDirectory} (slot {Slot})", _primary.DataDirectory, _standby.DataDirectory, _options.SlotName);
    }

    /// <summary>Creates the standby when needed and starts it; a no-op when it runs. Returns once it accepts read-only
    /// connections (it has replayed to a consistent state).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        if (!_standby.IsRunning) _standby = NewStandby(); // the primary's port goes into primary_conninfo at this start
        await _standby.StartAsync(cancellationToken);
    }

    /// <summary>Stops the standby (fast shutdown) and keeps its data; the slot keeps the WAL it has yet to receive.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _standby.StopAsync(cancellationToken);

    /// <summary>Ends recovery: the standby becomes a primary of its own, accepting writes, and the slot it followed is
    /// dropped from the old primary (nothing reads it any more). A no-op on a standby already promoted.</summary>
    public async Task PromoteAsync(CancellationToken cancellationToken)
    {
        if (!IsStandby) return;
        await StartAsync(cancellationToken);
        var result = await _primary.Toolchain.RunServerProgramAsync("pg_ctl", ["promote", "-w", "-s", "-D", _standby.DataDirectory], cancellationToken);
        if (!result.Succeeded)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ReplicaFailed, $"could not promote the replica in '{_standby.DataDirectory}': {result.Output.Trim()}",
                $"read its server log, {ServerLog.PathIn(_standby.DataDirectory)}");
        await DropSlotAsync(cancellationToken);
    }

    /// <summary>Stops the standby, deletes its folders and drops its slot from the primary (when the primary runs).</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await _standby.RemoveAsync(cancellationToken);
        await DropSlotAsync(cancellationToken);
    }

    /// <summary>Where the standby stands, read on the primary (and the standby, for whether replay is paused).</summary>
    public async Task<ReplicaPosition> PositionAsync(CancellationToken cancellationToken)
    {
        await using var primary = new NpgsqlConnection(_primary.ConnectionString());
        await primary.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT r.state = 'streaming', r.replay_lag,
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(r.replay_lsn, s.restart_lsn)), 0)::bigint
            FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
            WHERE s.slot_name = $1
            """, primary) { Parameters = { new() { Value = _options.SlotName } } };
        bool streaming = false;
        TimeSpan? lag = null;
        long behind = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            if (await reader.ReadAsync(cancellationToken))
                (streaming, lag, behind) = (!reader.IsDBNull(0) && reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<TimeSpan>(1), reader.GetInt64(2));
        var paused = _standby.IsRunning && IsStandby && await StandbyScalarAsync<bool>("SELECT pg_is_wal_replay_paused()", cancellationToken);
        return new ReplicaPosition(streaming, lag, behind, paused);
    }

    /// <summary>Waits until the standby has replayed everything the primary had written when called, so a read on the
    /// standby sees what the primary holds. SLU240 when it does not within <paramref name="timeout"/> (default
    /// <see cref="StreamingReplicaOptions.CatchUpTimeout"/>).</summary>
    public async Task WaitForReplayAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        string target;
        await using (var primary = new NpgsqlConnection(_primary.ConnectionString()))
        {
            await primary.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", primary);
            target = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        var limit = timeout ?? _options.CatchUpTimeout;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var standby = new NpgsqlConnection(_standby.ConnectionString());
        await standby.OpenAsync(cancellationToken);
        await using var replayed = new NpgsqlCommand("SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false), pg_is_wal_replay_paused()", standby)
        {
            Parameters = { new() { Value = target } },
        };
        while (true)
        {
            bool done, paused;
            await using (var reader = await replayed.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (done, paused) = (reader.GetBoolean(0), reader.GetBoolean(1));
            }
            if (done) return;
            if (started.Elapsed >= limit)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.ReplicaFailed,
                    $"the replica on 127.0.0.1:{_standby.Port} did not replay the primary's WAL position {target} within {limit.TotalSeconds:F0} s{(paused ? ": its replay is paused" : "")}",
                    paused ? "resume it: SELECT pg_wal_replay_resume() on the replica" : $"read its server log, {ServerLog.PathIn(_standby.DataDirectory)}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Pauses WAL replay on the standby (it keeps receiving): its replay lag grows with every write on the primary.</summary>
    public Task PauseReplayAsync(CancellationToken cancellationToken) => StandbyScalarAsync<object>("SELECT pg_wal_replay_pause()", cancellationToken);

    public Task ResumeReplayAsync(CancellationToken cancellationToken) => StandbyScalarAsync<object>("SELECT pg_wal_replay_resume()", cancellationToken);

    private async Task<T> StandbyScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var standby = new NpgsqlConnection(_standby.ConnectionString());
        await standby.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, standby);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private Task EnsureSlotAsync(CancellationToken cancellationToken) => OnPrimaryAsync(
        "SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)", cancellationToken);

    private Task DropSlotAsync(CancellationToken cancellationToken) => !_primary.IsRunning ? Task.CompletedTask : OnPrimaryAsync(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", cancellationToken);

    /// <summary>Runs a statement about the slot (its name is <c>$1</c>) on the primary.</summary>
    private async Task OnPrimaryAsync(string sql, CancellationToken cancellationToken)
    {
        await using var primary = new NpgsqlConnection(_primary.ConnectionString());
        await primary.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, primary) { Parameters = { new() { Value = _options.SlotName } } };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private LocalCluster NewStandby() => new(_primary.Toolchain, new LocalClusterOptions
    {
        DataDirectory = _options.DataDirectory,
        Password = _primary.Password,
        Superuser = _primary.Superuser,
        Port = _options.Port,
        PreferredPort = _options.PreferredPort,
        Settings = new Dictionary<string, string>
        {
            // Over the primary's unix socket, which trusts the server's own account: no password in any file.
            ["primary_conninfo"] = $"host={_primary.SocketDirectory} port={_primary.Port.ToString(CultureInfo.InvariantCulture)} user={_primary.Superuser} application_name={_options.ApplicationName}",
            ["primary_slot_name"] = _options.SlotName,
            ["hot_standby"] = "on",
            // Report replay every second, so the primary's replay_lag follows a stalled standby closely.
            ["wal_receiver_status_interval"] = "1s",
            ["hot_standby_feedback"] = "on",
        },
    });

    private static void DeleteIfExists(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

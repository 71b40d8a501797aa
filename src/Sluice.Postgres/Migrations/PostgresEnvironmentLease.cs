using Npgsql;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;

namespace Sluice.Postgres.Migrations;

/// <summary>A held lease: its session (in the maintenance database) keeps the advisory lock, a background heartbeat
/// checks that session and renews the row in the environment's database; disposing releases both and journals it.
/// While the holder replaces its own database (<see cref="WhileDatabaseReplacedAsync"/>) the row is left alone and
/// written again afterwards: the lock alone keeps the environment meanwhile.</summary>
internal sealed class PostgresEnvironmentLease : IEnvironmentLease
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _session;
    private readonly Guid _token;
    private readonly string _lockName;
    private readonly LeaseOptions _options;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private readonly SemaphoreSlim _row = new(1, 1);

    public PostgresEnvironmentLease(NpgsqlDataSource dataSource, NpgsqlConnection session, LeaseHolder holder, Guid token, string lockName, LeaseOptions options)
    {
        _token = token;
        _dataSource = dataSource;
        _session = session;
        _lockName = lockName;
        _options = options;
        Holder = holder;
        _heartbeat = Task.Run(() => HeartbeatAsync(_stop.Token));
    }

    public LeaseHolder Holder { get; private set; }

    public CancellationToken Lost => _lost.Token;

    private async Task HeartbeatAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.EffectiveHeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                // The session holds the lock: if it is gone, so is the lease, whatever the row says.
                await using (var alive = new NpgsqlCommand("SELECT 1", _session)) await alive.ExecuteNonQueryAsync(stop);
                await _row.WaitAsync(stop);
                try
                {
                    await using var connection = await _dataSource.OpenConnectionAsync(stop);
                    await using var renew = new NpgsqlCommand("""
                        UPDATE sluice.leases SET heartbeat_at = now(), expires_at = now() + $3
                        WHERE environment = $1 AND token = $2
                        RETURNING heartbeat_at, expires_at
                        """, connection);
                    renew.Parameters.Add(new() { Value = Holder.Environment });
                    renew.Parameters.Add(new() { Value = _token });
                    renew.Parameters.Add(new() { Value = _options.EffectiveTimeToLive });
                    await using var reader = await renew.ExecuteReaderAsync(stop);
                    if (!await reader.ReadAsync(stop))
                    {
                        await LoseAsync("its lease row was taken over");
                        return;
                    }
                    Holder = Holder with { HeartbeatAt = reader.GetFieldValue<DateTimeOffset>(0), ExpiresAt = reader.GetFieldValue<DateTimeOffset>(1) };
                }
                finally
                {
                    _row.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (NpgsqlException e)
        {
            await LoseAsync($"the heartbeat failed: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="copy"/>, which needs nobody connected to the environment's database (PostgreSQL
    /// copies a template only then): the heartbeat leaves the row alone meanwhile, so it opens no connection there, and
    /// the idle pooled ones it left go first. Without this a heartbeat between the pool's clearing and the copy made
    /// the copy fail with "is being accessed by other users". The lease's advisory lock stays held throughout; only its
    /// row's expiry is not renewed, so a copy longer than the lease's time to live shows the lease expired in Status
    /// until the next heartbeat after it (nobody can take it over meanwhile: that needs the lock).</summary>
    internal async Task<T> WhileDatabaseIdleAsync<T>(Func<Task<T>> copy, CancellationToken cancellationToken)
    {
        await _row.WaitAsync(cancellationToken);
        try
        {
            _dataSource.Clear();
            return await copy();
        }
        finally
        {
            _row.Release();
        }
    }

    /// <summary>Runs <paramref name="replace"/>, which drops and brings back the environment's database, keeping the
    /// lease: the lock in the maintenance database holds throughout; the heartbeat leaves the row alone meanwhile; the
    /// row is written again into the database as it came back (a snapshot carries none), journal schema ensured first,
    /// and the holding is journaled there.</summary>
    internal async Task WhileDatabaseReplacedAsync(Func<Task> replace, CancellationToken cancellationToken)
    {
        await _row.WaitAsync(cancellationToken);
        try
        {
            _dataSource.Clear(); // idle pooled connections to the old database would be dead ones
            await replace();
            _dataSource.Clear();
            await JournalSchema.EnsureAsync(_dataSource, cancellationToken);
            int pid;
            DateTime? backendStart;
            await using (var me = new NpgsqlCommand("SELECT pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())", _session))
            await using (var reader = await me.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                pid = reader.GetInt32(0);
                backendStart = reader.IsDBNull(1) ? null : reader.GetDateTime(1);
            }
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            Holder = await PostgresLeaseProvider.WriteRowAsync(connection, null, Holder.Environment, Holder.Holder, _token, pid, backendStart, _options, cancellationToken);
            await PostgresMigrationJournal.InsertEventAsync(connection, null, new JournalEvent(JournalEventKind.LeaseAcquired, null, null,
                $"lease of '{Holder.Environment}' kept by {Holder.Holder} through the replacement of its database", Holder.Holder), cancellationToken);
        }
        finally
        {
            _row.Release();
        }
    }

    private async Task LoseAsync(string why)
    {
        await _lost.CancelAsync();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
            await PostgresMigrationJournal.InsertEventAsync(connection, null, new JournalEvent(JournalEventKind.LeaseLost, null, null,
                $"lease of '{Holder.Environment}' lost by {Holder.Holder}: {why}", Holder.Holder), CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The database is unreachable: the cancelled token is what matters; the event cannot be written anyway.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        if (!_lost.IsCancellationRequested)
        {
            try
            {
                await using (var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None))
                {
                    await using (var delete = new NpgsqlCommand("DELETE FROM sluice.leases WHERE environment = $1 AND token = $2", connection))
                    {
                        delete.Parameters.Add(new() { Value = Holder.Environment });
                        delete.Parameters.Add(new() { Value = _token });
                        await delete.ExecuteNonQueryAsync(CancellationToken.None);
                    }
                    await PostgresMigrationJournal.InsertEventAsync(connection, null, new JournalEvent(JournalEventKind.LeaseReleased, null, null,
                        $"lease of '{Holder.Environment}' released by {Holder.Holder}", Holder.Holder), CancellationToken.None);
                }
                await using (var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _session))
                {
                    unlock.Parameters.Add(new() { Value = _lockName });
                    await unlock.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }
            catch (NpgsqlException)
            {
                // Closing the session below still releases the advisory lock; the row expires on its own.
            }
        }
        await _session.DisposeAsync();
        _lost.Dispose();
        _stop.Dispose();
        _row.Dispose();
    }
}

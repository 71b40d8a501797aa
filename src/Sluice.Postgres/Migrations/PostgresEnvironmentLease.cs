using Npgsql;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;

namespace Sluice.Postgres.Migrations;

/// <summary>A held lease: its session keeps the advisory lock, a background heartbeat renews the row; disposing
/// releases both and journals it.</summary>
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
                await using var renew = new NpgsqlCommand("""
                    UPDATE sluice.leases SET heartbeat_at = now(), expires_at = now() + $3
                    WHERE environment = $1 AND token = $2
                    RETURNING heartbeat_at, expires_at
                    """, _session);
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
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (NpgsqlException e)
        {
            await LoseAsync($"the heartbeat failed: {e.Message}");
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
                await using (var delete = new NpgsqlCommand("DELETE FROM sluice.leases WHERE environment = $1 AND token = $2", _session))
                {
                    delete.Parameters.Add(new() { Value = Holder.Environment });
                    delete.Parameters.Add(new() { Value = _token });
                    await delete.ExecuteNonQueryAsync(CancellationToken.None);
                }
                await using (var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _session))
                {
                    unlock.Parameters.Add(new() { Value = _lockName });
                    await unlock.ExecuteNonQueryAsync(CancellationToken.None);
                }
                await PostgresMigrationJournal.InsertEventAsync(_session, null, new JournalEvent(JournalEventKind.LeaseReleased, null, null,
                    $"lease of '{Holder.Environment}' released by {Holder.Holder}", Holder.Holder), CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // Closing the session below still releases the advisory lock; the row expires on its own.
            }
        }
        await _session.DisposeAsync();
        _lost.Dispose();
        _stop.Dispose();
    }
}

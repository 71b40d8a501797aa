using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// One runner per environment, by two locks that cover each other's blind spots: a session-level advisory lock (it
/// dies with the holder's session, so a crashed holder never blocks forever) and a lease row with a heartbeat (it
/// names the holder, and a holder whose session dropped but who may still be acting keeps the environment until its
/// lease expires). A lease is taken over only when both are gone: no advisory lock and an expired heartbeat.
/// </summary>
/// <param name="dataSource">The pooled connections for the lease row and events.</param>
/// <param name="sessionSource">Unpooled connections: a lease's session holds its advisory lock, and closing it must end the session.</param>
/// <param name="options">Time to live and heartbeat.</param>
public sealed class PostgresLeaseProvider(NpgsqlDataSource dataSource, NpgsqlDataSource sessionSource, LeaseOptions? options = null) : ILeaseProvider
{
    private readonly LeaseOptions _options = options ?? new LeaseOptions();

    public async Task<IEnvironmentLease> AcquireAsync(string environment, RunnerIdentity holder, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        // Its own unpooled session: the advisory lock lives exactly as long as this connection.
        var connection = sessionSource.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            var token = Guid.NewGuid();
            var (lease, previous) = await ClaimRowAsync(connection, environment, holder, token, cancellationToken);
            var message = previous is null
                ? $"lease of '{environment}' acquired by {holder}"
                : $"lease of '{environment}' taken over by {holder} from {previous.Holder} (silent since {previous.HeartbeatAt:u}, expired {previous.ExpiresAt:u})";
            await using (var events = await dataSource.OpenConnectionAsync(cancellationToken))
                await PostgresMigrationJournal.InsertEventAsync(events, null,
                    new JournalEvent(previous is null ? JournalEventKind.LeaseAcquired : JournalEventKind.LeaseTakenOver, null, null, message, holder),
                    cancellationToken);
            return new PostgresEnvironmentLease(dataSource, connection, lease, token, LockName(environment), _options);
        }
        catch
        {
            await connection.DisposeAsync(); // closing the session releases the advisory lock
            throw;
        }
    }

    public async Task<LeaseHolder?> ReadHolderAsync(string environment, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadRowAsync(connection, null, environment, forUpdate: false, cancellationToken);
    }

    /// <param name="token">Marks the row as this holder's: heartbeats and the release touch only a row with it.</param>
    /// <returns>The new lease, and the expired one it replaced (null when the environment had none).</returns>
    private async Task<(LeaseHolder Lease, LeaseHolder? Previous)> ClaimRowAsync(NpgsqlConnection connection, string environment, RunnerIdentity holder,
        Guid token, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Claims queue on a transaction-level lock, so a runner that finds the session lock taken also finds the
        // winner's row committed and can name it. The session-level lock outlives this transaction.
        await using (var claim = new NpgsqlCommand(
                         "SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), pg_try_advisory_lock(hashtextextended($2, 0))", connection, transaction))
        {
            claim.Parameters.Add(new() { Value = $"sluice.lease-claim:{environment}" });
            claim.Parameters.Add(new() { Value = LockName(environment) });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(1))
            {
                await reader.DisposeAsync();
                throw Busy(environment, await ReadRowAsync(connection, transaction, environment, forUpdate: false, cancellationToken), sessionAlive: true);
            }
        }
        var existing = await ReadRowAsync(connection, transaction, environment, forUpdate: true, cancellationToken);
        if (existing is not null && !await IsExpiredAsync(connection, transaction, existing, cancellationToken))
            throw Busy(environment, existing, sessionAlive: false);
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO sluice.leases (environment, token, holder_user, holder_host, ci_run_url, acquired_at, heartbeat_at, expires_at)
            VALUES ($1, $6, $2, $3, $4, now(), now(), now() + $5)
            ON CONFLICT (environment) DO UPDATE
            SET token = excluded.token, holder_user = excluded.holder_user, holder_host = excluded.holder_host, ci_run_url = excluded.ci_run_url,
                acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
            """, connection, transaction);
        upsert.Parameters.Add(new() { Value = environment });
        upsert.Parameters.Add(new() { Value = holder.User });
        upsert.Parameters.Add(new() { Value = holder.Host });
        upsert.Parameters.Add(new() { Value = (object?)holder.CiRunUrl ?? DBNull.Value });
        upsert.Parameters.Add(new() { Value = _options.EffectiveTimeToLive });
        upsert.Parameters.Add(new() { Value = token });
        await upsert.ExecuteNonQueryAsync(cancellationToken);
        var lease = (await ReadRowAsync(connection, transaction, environment, forUpdate: false, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return (lease, existing);
    }

    private static async Task<bool> IsExpiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LeaseHolder lease, CancellationToken cancellationToken)
    {
        // The server's clock judges expiry, the same clock that wrote it.
        await using var command = new NpgsqlCommand("SELECT $1 < now()", connection, transaction);
        command.Parameters.Add(new() { Value = lease.ExpiresAt });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static async Task<LeaseHolder?> ReadRowAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string environment, bool forUpdate,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT environment, holder_user, holder_host, ci_run_url, acquired_at, heartbeat_at, expires_at FROM sluice.leases WHERE environment = $1"
            + (forUpdate ? " FOR UPDATE" : ""), connection, transaction);
        command.Parameters.Add(new() { Value = environment });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new LeaseHolder(reader.GetString(0), new RunnerIdentity(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6));
    }

    internal static string LockName(string environment) => $"sluice.lease:{environment}";

    private static SluiceException Busy(string environment, LeaseHolder? holder, bool sessionAlive)
    {
        var who = holder is null ? "another runner (its lease row is not written yet)" : $"{holder.Holder} since {holder.AcquiredAt:u}";
        var remedy = sessionAlive
            ? "wait for it to finish (Status shows its progress) and run again"
            : $"its session is gone but its lease runs until {holder!.ExpiresAt:u}; run again after that to take it over";
        return new SluiceException(ErrorKind.Busy, LeaseErrorCodes.Busy, $"environment '{environment}' is busy: held by {who}", remedy);
    }
}

using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// One runner per environment, by a session-level advisory lock and a lease row naming the holder and the backend of
/// its lease session; <see cref="LeaseClaim"/> holds the rules (a killed holder's lease is taken over at once, one whose
/// session may still act keeps it until it expires).
/// <para>The lease's session, and so its advisory lock, lives in the server's maintenance database (<c>postgres</c>),
/// keyed by the environment's database and name; the row lives in the environment's database. A restore drops and
/// recreates that database, and a template snapshot copies it, which PostgreSQL allows only while nobody is connected
/// to it: with the lock outside, the holder keeps the environment through both, with no moment in which a second runner
/// could take it (releasing and re-acquiring around the drop would open exactly that moment).</para>
/// </summary>
/// <param name="dataSource">The pooled connections of the environment's database: the lease row and events.</param>
/// <param name="sessionSource">Unpooled connections to the maintenance database: a lease's session holds its advisory
/// lock, and closing it must end the session.</param>
/// <param name="options">Time to live and heartbeat.</param>
public sealed class PostgresLeaseProvider(NpgsqlDataSource dataSource, NpgsqlDataSource sessionSource, LeaseOptions? options = null) : ILeaseProvider
{
    private readonly LeaseOptions _options = options ?? new LeaseOptions();
    private readonly string _database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database ?? "";

    public async Task<IEnvironmentLease> AcquireAsync(string environment, RunnerIdentity holder, CancellationToken cancellationToken)
    {
        // Its own unpooled session: the advisory lock lives exactly as long as this connection.
        var connection = sessionSource.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            var token = Guid.NewGuid();
            var (lease, previous, reason) = await ClaimAsync(connection, environment, holder, token, cancellationToken);
            var message = previous is null
                ? $"lease of '{environment}' acquired by {holder}"
                : $"lease of '{environment}' taken over by {holder} from {previous.Holder} ({reason})";
            await using (var events = await dataSource.OpenConnectionAsync(cancellationToken))
                await PostgresMigrationJournal.InsertEventAsync(events, null,
                    new JournalEvent(previous is null ? JournalEventKind.LeaseAcquired : JournalEventKind.LeaseTakenOver, null, null, message, holder),
                    cancellationToken);
            return new PostgresEnvironmentLease(dataSource, connection, lease, token, LockName(_database, environment), _options);
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
    /// <returns>The new lease, the dead one it replaced (null when the environment had none) and why it was dead.</returns>
    private async Task<(LeaseHolder Lease, LeaseHolder? Previous, string Reason)> ClaimAsync(NpgsqlConnection session, string environment,
        RunnerIdentity holder, Guid token, CancellationToken cancellationToken)
    {
        // Claims queue on a transaction-level lock, so a runner that finds the session lock taken also finds the
        // winner's row committed and can name it. The session-level lock outlives this transaction.
        await using var claim = await session.BeginTransactionAsync(cancellationToken);
        bool lockFree;
        int pid;
        DateTime? backendStart;
        await using (var locks = new NpgsqlCommand("""
                         SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), pg_try_advisory_lock(hashtextextended($2, 0)),
                                pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())
                         """, session, claim))
        {
            locks.Parameters.Add(new() { Value = $"sluice.lease-claim:{_database}:{environment}" });
            locks.Parameters.Add(new() { Value = LockName(_database, environment) });
            await using var reader = await locks.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            lockFree = reader.GetBoolean(1);
            pid = reader.GetInt32(2);
            backendStart = reader.IsDBNull(3) ? null : reader.GetDateTime(3);
        }
        // The environment's database is touched only once the lock is ours: a holder may be replacing it (a restore).
        if (!lockFree) throw Busy(environment, await TryReadHolderAsync(environment, cancellationToken), LeaseClaim.Decide(false, null, false).Reason);
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var existing = await ReadRowAsync(connection, transaction, environment, forUpdate: true, cancellationToken);
        var expired = existing is not null && await IsExpiredAsync(connection, transaction, existing, cancellationToken);
        var decision = LeaseClaim.Decide(lockFree, existing, expired);
        if (decision.Outcome == LeaseClaimOutcome.Busy) throw Busy(environment, existing, decision.Reason);
        var lease = await WriteRowAsync(connection, transaction, environment, holder, token, pid, backendStart, _options, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await claim.CommitAsync(cancellationToken);
        return (lease, existing, decision.Reason);
    }

    /// <summary>Writes the lease row for its holder's session (<paramref name="pid"/>, whose start time tells a reused
    /// pid from the holder's own backend): on a claim, and again when a restore brought the database back without it.</summary>
    internal static async Task<LeaseHolder> WriteRowAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string environment,
        RunnerIdentity holder, Guid token, int pid, DateTime? backendStart, LeaseOptions options, CancellationToken cancellationToken)
    {
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO sluice.leases (environment, token, holder_user, holder_host, ci_run_url, acquired_at, heartbeat_at, expires_at,
                                       holder_pid, holder_backend_start)
            VALUES ($1, $6, $2, $3, $4, now(), now(), now() + $5, $7, $8)
            ON CONFLICT (environment) DO UPDATE
            SET token = excluded.token, holder_user = excluded.holder_user, holder_host = excluded.holder_host, ci_run_url = excluded.ci_run_url,
                acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at,
                holder_pid = excluded.holder_pid, holder_backend_start = excluded.holder_backend_start
            """, connection, transaction))
        {
            upsert.Parameters.Add(new() { Value = environment });
            upsert.Parameters.Add(new() { Value = holder.User });
            upsert.Parameters.Add(new() { Value = holder.Host });
            upsert.Parameters.Add(new() { Value = (object?)holder.CiRunUrl ?? DBNull.Value });
            upsert.Parameters.Add(new() { Value = options.EffectiveTimeToLive });
            upsert.Parameters.Add(new() { Value = token });
            upsert.Parameters.Add(new() { Value = pid });
            upsert.Parameters.Add(new() { Value = (object?)backendStart ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        return (await ReadRowAsync(connection, transaction, environment, forUpdate: false, cancellationToken))!;
    }

    /// <summary>The holder to name in a busy error; none while the holder is replacing the database (a restore).</summary>
    private async Task<LeaseHolder?> TryReadHolderAsync(string environment, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT to_regclass('sluice.leases') IS NOT NULL", connection);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return null;
            return await ReadRowAsync(connection, null, environment, forUpdate: false, cancellationToken);
        }
        catch (NpgsqlException)
        {
            // The database is gone or being replaced (its sessions ended): the lock has decided; the name is a courtesy.
            return null;
        }
    }

    private static async Task<bool> IsExpiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LeaseHolder lease, CancellationToken cancellationToken)
    {
        // The server's clock judges expiry, the same clock that wrote it.
        await using var command = new NpgsqlCommand("SELECT $1 < now()", connection, transaction);
        command.Parameters.Add(new() { Value = lease.ExpiresAt });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The lease row, with whether its holder's backend still exists. A backend counts as the holder's when
    /// its pid matches and its start time matches or cannot be read (a role without pg_read_all_stats sees no start
    /// times of other roles' sessions; it then errs towards "still connected").</summary>
    internal static async Task<LeaseHolder?> ReadRowAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string environment, bool forUpdate,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT l.environment, l.holder_user, l.holder_host, l.ci_run_url, l.acquired_at, l.heartbeat_at, l.expires_at, l.holder_pid,
                   CASE WHEN l.holder_pid IS NULL THEN NULL
                        ELSE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.holder_pid
                                         AND (a.backend_start IS NULL OR l.holder_backend_start IS NULL OR a.backend_start = l.holder_backend_start))
                   END
            FROM sluice.leases l WHERE l.environment = $1
            """ + (forUpdate ? " FOR UPDATE OF l" : ""), connection, transaction);
        command.Parameters.Add(new() { Value = environment });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new LeaseHolder(reader.GetString(0), new RunnerIdentity(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetBoolean(8));
    }

    /// <summary>The advisory lock's name: keyed by the database too, since every environment's lock lives in the one
    /// maintenance database of its server.</summary>
    internal static string LockName(string database, string environment) => $"sluice.lease:{database}:{environment}";

    private static SluiceException Busy(string environment, LeaseHolder? holder, string remedy)
    {
        var who = holder is null ? "another runner (its lease row is not written yet, or it is restoring the database)" : $"{holder.Holder} since {holder.AcquiredAt:u}";
        return new SluiceException(ErrorKind.Busy, ErrorCodes.Busy, $"environment '{environment}' is busy: held by {who}", remedy);
    }
}

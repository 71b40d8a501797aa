using Npgsql;
using Sluice.Errors;

namespace Sluice.Postgres.Databases;

/// <summary>
/// Creates <see cref="EphemeralDatabase"/>s on one server, empty or cloned from a template, and sweeps the leftovers
/// of runs that died before disposing theirs.
/// </summary>
/// <param name="adminConnectionString">A superuser (or CREATEDB) connection, normally to the <c>postgres</c> database.</param>
/// <param name="timeProvider">The clock that stamps names and judges age; tests pass their own.</param>
public sealed class EphemeralDatabases(string adminConnectionString, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;

    /// <summary>Creates an empty database (from <c>template0</c>).</summary>
    public Task<EphemeralDatabase> CreateEmptyAsync(CancellationToken cancellationToken) =>
        CreateAsync("template0", CloneStrategy.WalLog, cancellationToken);

    /// <summary>
    /// Clones <paramref name="template"/> with <c>CREATE DATABASE ... TEMPLATE ... STRATEGY</c>. PostgreSQL refuses
    /// while anyone is connected to the template; <paramref name="whenConnected"/> says whether to end those sessions
    /// or fail naming them.
    /// </summary>
    public async Task<EphemeralDatabase> CloneAsync(string template, CancellationToken cancellationToken,
        CloneStrategy strategy = CloneStrategy.FileCopy, TemplateConnections whenConnected = TemplateConnections.Refuse)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        if (whenConnected == TemplateConnections.Terminate) await TerminateSessionsAsync(template, cancellationToken);
        try
        {
            return await CreateAsync(template, strategy, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            var sessions = await DescribeSessionsAsync(template, CancellationToken.None);
            throw new SluiceException(ErrorKind.Failure, "SLU014",
                $"cannot clone '{template}': it has open sessions ({sessions})",
                "close them (a pooled connection counts), or clone with TemplateConnections.Terminate; "
                + "ALTER DATABASE ... WITH ALLOW_CONNECTIONS false keeps a template free", inner: e);
        }
    }

    /// <summary>Drops every <c>sluice_eph_*</c> database created more than <paramref name="olderThan"/> ago; returns their names.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var cutoff = _clock.GetUtcNow() - olderThan;
        var stale = new List<string>();
        await using (var admin = await OpenAdminAsync(cancellationToken))
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'sluice\\_eph\\_%' ORDER BY datname", admin))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                if (EphemeralDatabaseName.TryParse(name, out var createdAt) && createdAt < cutoff) stale.Add(name);
            }
        }
        foreach (var name in stale)
            await EphemeralDatabase.DropAsync(adminConnectionString, null, name, cancellationToken);
        return stale;
    }

    private async Task<EphemeralDatabase> CreateAsync(string template, CloneStrategy strategy, CancellationToken cancellationToken)
    {
        var name = EphemeralDatabaseName.New(_clock.GetUtcNow());
        var strategyName = strategy == CloneStrategy.FileCopy ? "FILE_COPY" : "WAL_LOG";
        await using var admin = await OpenAdminAsync(cancellationToken);
        await using var create = new NpgsqlCommand(
            $"CREATE DATABASE {Sql.Identifier(name)} TEMPLATE {Sql.Identifier(template)} STRATEGY {strategyName}", admin);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException && cancellationToken.IsCancellationRequested)
        {
            // The server may have finished just before the cancel landed: leave nothing behind.
            await EphemeralDatabase.DropAsync(adminConnectionString, null, name, CancellationToken.None);
            throw;
        }
        return new EphemeralDatabase(name, adminConnectionString);
    }

    private async Task TerminateSessionsAsync(string database, CancellationToken cancellationToken)
    {
        await using var admin = await OpenAdminAsync(cancellationToken);
        await using var terminate = new NpgsqlCommand(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin)
        {
            Parameters = { new() { Value = database } },
        };
        await terminate.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<string> DescribeSessionsAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            await using var admin = await OpenAdminAsync(cancellationToken);
            await using var sessions = new NpgsqlCommand(
                "SELECT string_agg(format('pid %s, %s, application %L', pid, usename, application_name), '; ') FROM pg_stat_activity WHERE datname = $1", admin)
            {
                Parameters = { new() { Value = database } },
            };
            return await sessions.ExecuteScalarAsync(cancellationToken) as string ?? "already closed";
        }
        catch (NpgsqlException)
        {
            return "unknown";
        }
    }

    private async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

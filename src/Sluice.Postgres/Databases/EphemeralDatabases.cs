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
        CreateAsync("template0", CloneStrategy.WalLog, null, cancellationToken);

    /// <summary>
    /// Creates an empty database owned by a <see cref="ConfinedRole"/> made for it; its connection string logs in as
    /// that role. For work that must touch nothing outside its database however its SQL is written, such as a
    /// rehearsal beside a real environment. Disposal drops the database and then the role.
    /// </summary>
    public async Task<EphemeralDatabase> CreateConfinedAsync(CancellationToken cancellationToken)
    {
        var name = EphemeralDatabaseName.New(_clock.GetUtcNow());
        ConfinedRole role;
        await using (var admin = await OpenAdminAsync(cancellationToken))
        {
            try
            {
                role = await ConfinedRole.CreateAsync(admin, name, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw PrivilegeMissing(adminConnectionString, "CREATEROLE", "create roles", e);
            }
        }
        var database = new EphemeralDatabase(name, adminConnectionString, role);
        try
        {
            await CreateAsync(name, "template0", CloneStrategy.WalLog, role.Name, cancellationToken);
            await ConfinedRole.CheckLoginAsync(database, cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Clones <paramref name="template"/> with <c>CREATE DATABASE ... TEMPLATE ... STRATEGY</c>. PostgreSQL refuses
    /// while anyone is connected to the template; <paramref name="whenConnected"/> says whether to end those sessions
    /// or fail naming them.
    /// </summary>
    public async Task<EphemeralDatabase> CloneAsync(string template, CancellationToken cancellationToken,
        CloneStrategy strategy = CloneStrategy.FileCopy, TemplateConnections whenConnected = TemplateConnections.Refuse) =>
        await CloneAsync(template, null, cancellationToken, strategy, whenConnected);

    /// <summary>A clone of a confined database, owned by and logged in as the same <see cref="ConfinedRole"/>, so that what
    /// runs in the clone is confined as it was in the template (the role stays the template's to drop).</summary>
    public Task<EphemeralDatabase> CloneAsync(EphemeralDatabase template, CancellationToken cancellationToken,
        TemplateConnections whenConnected = TemplateConnections.Refuse) =>
        CloneAsync(template.Name, template.Role, cancellationToken, CloneStrategy.FileCopy, whenConnected);

    private async Task<EphemeralDatabase> CloneAsync(string template, ConfinedRole? role, CancellationToken cancellationToken,
        CloneStrategy strategy, TemplateConnections whenConnected)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        if (whenConnected == TemplateConnections.Terminate) await TerminateSessionsAsync(template, cancellationToken);
        try
        {
            return await CreateAsync(template, strategy, role, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            var sessions = await DescribeSessionsAsync(template, CancellationToken.None);
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.TemplateInUse,
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
        foreach (var role in await StaleRolesAsync(cutoff, cancellationToken))
        {
            await ConfinedRole.DropAsync(adminConnectionString, role, cancellationToken);
            if (!stale.Contains(role)) stale.Add(role);
        }
        return stale;
    }

    private async Task<EphemeralDatabase> CreateAsync(string template, CloneStrategy strategy, ConfinedRole? role, CancellationToken cancellationToken)
    {
        var name = EphemeralDatabaseName.New(_clock.GetUtcNow());
        await CreateAsync(name, template, strategy, role?.Name, cancellationToken);
        return new EphemeralDatabase(name, adminConnectionString, role, ownsRole: false);
    }

    private async Task CreateAsync(string name, string template, CloneStrategy strategy, string? owner, CancellationToken cancellationToken)
    {
        await using var admin = await OpenAdminAsync(cancellationToken);
        await using var create = new NpgsqlCommand(CreateDatabaseStatement.For(admin, name, template, strategy, owner), admin);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw PrivilegeMissing(adminConnectionString, "CREATEDB", "create databases", e);
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException && cancellationToken.IsCancellationRequested)
        {
            // The server may have finished just before the cancel landed: leave nothing behind.
            await EphemeralDatabase.DropAsync(adminConnectionString, null, name, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A role without CREATEDB (or CREATEROLE, for a confined database) asked for a throwaway database (a rehearsal, a snapshot's verification): name the
    /// role and the grant, and the way round it.</summary>
    internal static SluiceException PrivilegeMissing(string connectionString, string privilege, string what, PostgresException e)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var role = builder.Username ?? Environment.UserName;
        return new SluiceException(ErrorKind.Failure, ErrorCodes.CreateDatabaseDenied,
            $"role '{role}' may not {what} on {builder.Host}:{builder.Port} ({e.MessageText}); the step needs a throwaway database there",
            $"grant the privilege, as a superuser: ALTER ROLE {Sql.Identifier(role)} {privilege}; or leave this server alone: a rehearsal of a server "
            + "that is not on this machine runs on a throwaway local cluster of its own", inner: e);
    }

    /// <summary>Roles of confined databases whose run died before dropping them.</summary>
    private async Task<List<string>> StaleRolesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var roles = new List<string>();
        await using var admin = await OpenAdminAsync(cancellationToken);
        await using var list = new NpgsqlCommand("SELECT rolname FROM pg_roles WHERE rolname LIKE 'sluice\\_eph\\_%' ORDER BY rolname", admin);
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (EphemeralDatabaseName.TryParse(reader.GetString(0), out var createdAt) && createdAt < cutoff) roles.Add(reader.GetString(0));
        return roles;
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

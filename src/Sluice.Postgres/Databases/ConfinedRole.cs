using System.Security.Cryptography;
using Npgsql;
using Sluice.Errors;

namespace Sluice.Postgres.Databases;

/// <summary>
/// The role a confined ephemeral database belongs to: it owns that database and nothing else, and has no SUPERUSER,
/// CREATEDB, CREATEROLE, REPLICATION or BYPASSRLS. What runs under it can change its own database only: it cannot drop
/// or create a database, manage roles or tablespaces, ALTER SYSTEM, or change another database's objects, whatever
/// the SQL says. It has the database's name and a random password (hex, so it needs no quoting).
/// </summary>
/// <param name="Name">The role's name, the same as its database's.</param>
/// <param name="Password">Its password, never written anywhere but the server's catalog.</param>
public sealed record ConfinedRole(string Name, string Password)
{
    public override string ToString() => Name; // never the password

    internal static async Task<ConfinedRole> CreateAsync(NpgsqlConnection admin, string name, CancellationToken cancellationToken)
    {
        var role = new ConfinedRole(name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        await using var create = new NpgsqlCommand(
            $"CREATE ROLE {Sql.Identifier(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{role.Password}'", admin);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ConfinedRoleRefused,
                $"cannot create the rehearsal's own role '{name}': {e.MessageText}",
                "connect as a role with CREATEROLE and CREATEDB (a local cluster's superuser has both), "
                + "or rehearse against an environment on another host, which rehearses on a throwaway cluster", inner: e);
        }
        return role;
    }

    /// <summary>Logs in as the role once, so that a server whose pg_hba.conf refuses it fails here, naming the remedy.</summary>
    internal static async Task CheckLoginAsync(EphemeralDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ConfinedRoleRefused,
                $"the rehearsal's own role '{database.Role}' cannot log in to its throwaway database: {e.MessageText}",
                "let local roles named sluice_eph_* log in with a password (pg_hba.conf: host all all 127.0.0.1/32 scram-sha-256), "
                + "or rehearse against an environment on another host, which rehearses on a throwaway cluster", inner: e);
        }
    }

    internal static async Task DropAsync(string adminConnectionString, string name, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {Sql.Identifier(name)}", admin);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}

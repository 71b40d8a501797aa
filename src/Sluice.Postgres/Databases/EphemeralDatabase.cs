using Npgsql;

namespace Sluice.Postgres.Databases;

/// <summary>
/// A database that exists for one test or one rehearsal. Disposing it drops it with <c>WITH (FORCE)</c>, ending any
/// session still open, whether the work succeeded, failed or was cancelled.
/// </summary>
public sealed class EphemeralDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private int _disposed;

    private readonly bool _ownsRole;

    /// <param name="ownsRole">Whether dropping this database also drops <paramref name="role"/>; a clone of a confined
    /// database shares its template's role and leaves it to the template.</param>
    internal EphemeralDatabase(string name, string adminConnectionString, ConfinedRole? role = null, bool ownsRole = true)
    {
        Name = name;
        _ownsRole = ownsRole;
        _adminConnectionString = adminConnectionString;
        Role = role;
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name };
        if (role is not null) (builder.Username, builder.Password) = (role.Name, role.Password);
        ConnectionString = builder.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The connection string of this database: the admin's credentials, or for a confined database its own role's.</summary>
    public string ConnectionString { get; }

    /// <summary>The role that owns a confined database and that <see cref="ConnectionString"/> logs in as; null otherwise.</summary>
    public ConfinedRole? Role { get; }

    /// <summary>Opens a connection to this database.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Drops the database now; later calls and disposal do nothing.</summary>
    public async Task DropAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await DropAsync(_adminConnectionString, ConnectionString, Name, cancellationToken);
        if (Role is not null && _ownsRole) await ConfinedRole.DropAsync(_adminConnectionString, Role.Name, cancellationToken);
    }

    // Disposal must not be cancellable: a cancelled test still has to drop what it made.
    public async ValueTask DisposeAsync() => await DropAsync(CancellationToken.None);

    internal static async Task DropAsync(string adminConnectionString, string? databaseConnectionString, string name, CancellationToken cancellationToken)
    {
        // Pooled idle connections of our own would only be terminated by FORCE; clear them so the pool forgets them.
        if (databaseConnectionString is not null)
            using (var pooled = new NpgsqlConnection(databaseConnectionString)) NpgsqlConnection.ClearPool(pooled);
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Sql.Identifier(name)} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}

using Npgsql;

namespace Sluice.Testing.Postgres;

/// <summary>
/// SQL a test runs itself, outside Sluice's code: to set a database up, inject a fault or read back what Sluice did.
/// Each call on a connection string opens a connection of its own and closes it, so nothing of the test's stays
/// connected to a database Sluice is about to clone, drop or restore.
/// </summary>
public static class TestSql
{
    /// <summary>Runs <paramref name="sql"/> (one or more statements) on the database of <paramref name="connectionString"/>.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, sql, cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> on an open connection the test holds (a session whose state matters).</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>, as <typeparamref name="T"/>
    /// (<c>object</c> for the value as Npgsql reads it, <see cref="DBNull"/> for SQL NULL).</summary>
    public static Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken) =>
        ScalarAsync<T>(connectionString, sql, [], cancellationToken);

    /// <summary>Whether the server of <paramref name="adminConnectionString"/> has a database named <paramref name="name"/>.</summary>
    public static Task<bool> DatabaseExistsAsync(string adminConnectionString, string name, CancellationToken cancellationToken) =>
        ScalarAsync<bool>(adminConnectionString, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", [name], cancellationToken);

    /// <summary>Whether the server of <paramref name="adminConnectionString"/> has a role named <paramref name="name"/>.</summary>
    public static Task<bool> RoleExistsAsync(string adminConnectionString, string name, CancellationToken cancellationToken) =>
        ScalarAsync<bool>(adminConnectionString, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", [name], cancellationToken);

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

using Npgsql;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Snapshots;

/// <summary>Empties a database for a restore by dropping and recreating it (ending its sessions), so nothing made
/// after the snapshot survives the restore.</summary>
internal static class TargetDatabase
{
    public static async Task RecreateAsync(string connectionString, string? template, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var name = target.Database ?? throw new ArgumentException("the connection string names no database", nameof(connectionString));
        using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        var quoted = Sql.Identifier(name);
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", connection))
            await drop.ExecuteNonQueryAsync(cancellationToken);
        var statement = template is null
            ? $"CREATE DATABASE {quoted} TEMPLATE template0"
            : CreateDatabaseStatement.For(connection, name, template, CloneStrategy.FileCopy);
        await using var create = new NpgsqlCommand(statement, connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }
}

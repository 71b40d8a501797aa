using Npgsql;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>A long transaction that has read customers: ALTER TABLE needs ACCESS EXCLUSIVE and cannot get it until it ends.</summary>
internal sealed record CustomersBlocker(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
{
    public static async Task<CustomersBlocker> HoldAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM customers", connection, transaction)) await read.ExecuteScalarAsync(cancellationToken);
        return new CustomersBlocker(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

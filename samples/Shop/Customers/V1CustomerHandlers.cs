using Npgsql;

namespace Shop.Customers;

/// <summary>Version 1: knows only <c>customers.full_name</c>. It works until the contract phase drops that column,
/// which is why the contract runs only once no v1 instance is left.</summary>
public sealed class V1CustomerHandlers(NpgsqlDataSource database) : ICustomerHandlers
{
    public int Version => 1;

    public async Task<CustomerView?> GetCustomerAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT id, full_name, email FROM customers WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new CustomerView(reader.GetInt64(0), reader.GetString(1), null, null, reader.GetString(2)) : null;
    }

    public async Task<CustomerView> CreateCustomerAsync(NewCustomer customer, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("INSERT INTO customers (full_name, email) VALUES ($1, $2) RETURNING id");
        command.Parameters.Add(new NpgsqlParameter { Value = customer.WholeName });
        command.Parameters.Add(new NpgsqlParameter { Value = customer.Email });
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new CustomerView(id, customer.WholeName, null, null, customer.Email);
    }

    public async Task<IReadOnlyList<OrderView>> ListOrdersAsync(long customerId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT o.id, o.customer_id, c.full_name, o.placed_at, o.total, o.status
            FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = $1 ORDER BY o.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = customerId });
        return await OrderReader.ReadAsync(command, cancellationToken);
    }
}

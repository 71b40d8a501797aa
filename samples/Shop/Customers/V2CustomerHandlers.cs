using Microsoft.FeatureManagement;
using Npgsql;
using Shop.Faults;
using Shop.Flags;

namespace Shop.Customers;

/// <summary>
/// Version 2: reads and writes <c>first_name</c>/<c>last_name</c> once the flag <c>customers.read_split_name</c> is
/// on, and the old <c>full_name</c> while it is off, so it can be deployed before the switch and rolled back past it.
/// With the fault switch <see cref="FaultSettings.DualWriteBug"/> on, its writes break dual-write parity.
/// </summary>
public sealed class V2CustomerHandlers(NpgsqlDataSource database, IFeatureManager features, FaultSwitches faults) : ICustomerHandlers
{
    public int Version => 2;

    private Task<bool> SplitAsync() => features.IsEnabledAsync(ShopFlags.ReadSplitName);

    public async Task<CustomerView?> GetCustomerAsync(long id, CancellationToken cancellationToken)
    {
        var split = await SplitAsync();
        await using var command = database.CreateCommand(split
            ? "SELECT id, concat_ws(' ', first_name, last_name), email, first_name, last_name FROM customers WHERE id = $1"
            : "SELECT id, full_name, email, NULL::text, NULL::text FROM customers WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new CustomerView(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(2));
    }

    public async Task<CustomerView> CreateCustomerAsync(NewCustomer customer, CancellationToken cancellationToken)
    {
        if (faults.Settings.DualWriteBug) return await CreateWithDualWriteBugAsync(customer, cancellationToken);
        if (!await SplitAsync())
        {
            // Before the switch the old column is the truth; the expand phase's trigger fills the new ones.
            await using var old = database.CreateCommand("INSERT INTO customers (full_name, email) VALUES ($1, $2) RETURNING id");
            old.Parameters.Add(new NpgsqlParameter { Value = customer.WholeName });
            old.Parameters.Add(new NpgsqlParameter { Value = customer.Email });
            return new CustomerView((long)(await old.ExecuteScalarAsync(cancellationToken))!, customer.WholeName, null, null, customer.Email);
        }
        // After the switch only the new columns are written; while full_name still exists the trigger fills it.
        var (first, last) = SplitName(customer);
        await using var command = database.CreateCommand("INSERT INTO customers (first_name, last_name, email) VALUES ($1, $2, $3) RETURNING id");
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)last ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = customer.Email });
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new CustomerView(id, string.Join(' ', new[] { first, last }.Where(p => p is not null)), first, last, customer.Email);
    }

    /// <summary>
    /// The injected bug: the new columns right, full_name wrong (the first name only), written with the session's
    /// triggers off (<c>session_replication_role = replica</c>, which needs a superuser or a role granted that
    /// parameter), as a writer that bypasses the expand phase's sync trigger would. Needs the split columns.
    /// </summary>
    private async Task<CustomerView> CreateWithDualWriteBugAsync(NewCustomer customer, CancellationToken cancellationToken)
    {
        var (first, last) = SplitName(customer);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var bypass = new NpgsqlCommand("SET LOCAL session_replication_role = replica", connection, transaction))
            await bypass.ExecuteNonQueryAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "INSERT INTO customers (full_name, first_name, last_name, email) VALUES ($1, $1, $2, $3) RETURNING id", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)last ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = customer.Email });
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new CustomerView(id, string.Join(' ', new[] { first, last }.Where(p => p is not null)), first, last, customer.Email);
    }

    private static (string First, string? Last) SplitName(NewCustomer customer) => customer.FirstName is { } first
        ? (first, customer.LastName)
        : (customer.WholeName.Split(' ', 2)[0], customer.WholeName.Split(' ', 2).ElementAtOrDefault(1));

    public async Task<IReadOnlyList<OrderView>> ListOrdersAsync(long customerId, CancellationToken cancellationToken)
    {
        var name = await SplitAsync() ? "concat_ws(' ', c.first_name, c.last_name)" : "c.full_name";
        await using var command = database.CreateCommand($"""
            SELECT o.id, o.customer_id, {name}, o.placed_at, o.total, o.status
            FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = $1 ORDER BY o.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = customerId });
        return await OrderReader.ReadAsync(command, cancellationToken);
    }
}

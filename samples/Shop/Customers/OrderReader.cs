using Npgsql;

namespace Shop.Customers;

internal static class OrderReader
{
    public static async Task<IReadOnlyList<OrderView>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var orders = new List<OrderView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            orders.Add(new OrderView(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetDecimal(4), reader.GetString(5)));
        return orders;
    }
}

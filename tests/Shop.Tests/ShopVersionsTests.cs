using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shop.Customers;
using Sluice.Testing.Postgres;

namespace Shop.Tests;

/// <summary>
/// Both versions of the shop's request handlers (in-process, with the real feature-flag provider) against the
/// database after each phase of plan 0001: v1 (full_name) works until the contract phase, v2 (split names behind the
/// flag customers.read_split_name) works in every state, and what one version writes the other reads.
/// </summary>
public sealed class ShopVersionsTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Customer 7 has a three-word name (every 7th does), customer 50 a one-word name, customer 1 two words.</summary>
    private static readonly long[] Customers = [1, 7, 50];

    public static TheoryData<int> States => new(0, 1, 2, 3, 4, 5);

    [Theory]
    [MemberData(nameof(States))]
    public async Task Each_version_serves_the_customers_in_this_phase_state(int phases)
    {
        await using var database = await PhaseStates.CreateAsync(postgres, phases, Ct);
        await using var v1Services = Services(database.ConnectionString, 1);
        await using var v2Services = Services(database.ConnectionString, 2);
        var v1 = v1Services.GetRequiredService<ICustomerHandlers>();
        var v2 = v2Services.GetRequiredService<ICustomerHandlers>();
        var flagOn = phases >= 4; // the switch phase is the fourth
        var contracted = phases == 5;
        Dictionary<long, string> expected;
        await using (var original = await PhaseStates.CreateAsync(postgres, 0, Ct)) expected = await FullNamesAsync(original.ConnectionString);

        foreach (var id in Customers)
        {
            var fromV2 = (await v2.GetCustomerAsync(id, Ct))!;
            Assert.Equal(expected[id], fromV2.Name);
            Assert.Equal(flagOn, fromV2.FirstName is not null);
            Assert.All(await v2.ListOrdersAsync(id, Ct), o => Assert.Equal(expected[id], o.CustomerName));
            if (contracted) continue;
            Assert.Equal(expected[id], (await v1.GetCustomerAsync(id, Ct))!.Name);
            Assert.All(await v1.ListOrdersAsync(id, Ct), o => Assert.Equal(expected[id], o.CustomerName));
        }

        // Writes: v2's customer is read back by both versions; v1's too, as long as v1 can run at all.
        var byV2 = await v2.CreateCustomerAsync(new NewCustomer($"v2-{phases}@example.com", FirstName: "Katherine", LastName: "Johnson"), Ct);
        Assert.Equal("Katherine Johnson", (await v2.GetCustomerAsync(byV2.Id, Ct))!.Name);
        if (contracted)
        {
            // The contract phase removed full_name: it runs only once no v1 instance is left.
            var error = await Assert.ThrowsAsync<PostgresException>(() => v1.GetCustomerAsync(1, Ct));
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, error.SqlState);
            return;
        }
        Assert.Equal("Katherine Johnson", (await v1.GetCustomerAsync(byV2.Id, Ct))!.Name);
        var byV1 = await v1.CreateCustomerAsync(new NewCustomer($"v1-{phases}@example.com", FullName: "Dorothy Jean Vaughan"), Ct);
        var readByV2 = (await v2.GetCustomerAsync(byV1.Id, Ct))!;
        Assert.Equal("Dorothy Jean Vaughan", readByV2.Name);
        if (flagOn) Assert.Equal(("Dorothy", "Jean Vaughan"), (readByV2.FirstName, readByV2.LastName));
    }

    private static ServiceProvider Services(string connectionString, int version) =>
        new ServiceCollection().AddShop(connectionString, version).BuildServiceProvider();

    /// <summary>Each sample customer's name as the base data wrote it, read from a database that was never migrated.</summary>
    private static async Task<Dictionary<long, string>> FullNamesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT id, full_name FROM customers WHERE id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Customers });
        var names = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) names[reader.GetInt64(0)] = reader.GetString(1);
        Assert.Equal(Customers.Length, names.Count);
        return names;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Shop.Faults;
using Sluice.Testing.Postgres;
using Sluice.Traffic.Instances;

namespace Sluice.Traffic.Tests;

/// <summary>
/// The sample service's test switches, on a real process and a real database: every one off by default, each
/// measurable when switched on (by configuration at start, or at run time through the loopback admin endpoint), plus
/// its health endpoints and the application_name each version's sessions carry.
/// </summary>
public sealed class ShopFaultSwitchTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Rows whose old and new representations disagree: the dual-write parity a canary checks.</summary>
    private const string Diverging = """
        SELECT id FROM customers WHERE email LIKE 'parity-%' AND full_name IS DISTINCT FROM concat_ws(' ', first_name, last_name) ORDER BY id
        """;

    [Fact]
    public async Task Every_fault_is_off_by_default()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 1, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct);
        using var client = new HttpClient { BaseAddress = shop.Address };

        Assert.Equal(FaultSettings.Off, await client.GetFromJsonAsync<FaultSettings>("admin/faults", Ct));
        var (statuses, latencies) = await ReadManyAsync(client, 100);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(Median(latencies) < 150, $"median {Median(latencies)} ms"); // no added latency (a busy machine allowed for)
        var written = await WriteAsync(client, 10);
        Assert.Empty(await DivergingAsync(database.ConnectionString));
        Assert.Equal(10, written.Count);
    }

    [Fact]
    public async Task An_error_rate_set_at_run_time_answers_that_share_of_requests_with_500()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 1, Ct);
        await ShopProcesses.SetFaultsAsync(shop, new FaultSettings(ErrorRate: 0.3), Ct);
        using var client = new HttpClient { BaseAddress = shop.Address };

        var (statuses, _) = await ReadManyAsync(client, 400);
        var share = statuses.Count(s => s == HttpStatusCode.InternalServerError) / 400.0;
        Assert.InRange(share, 0.22, 0.38); // 400 draws at 0.3: one standard deviation is 0.023
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.InternalServerError }));
        // The health endpoints are exempt: a faulty version still says it is up.
        Assert.True((await client.GetAsync("health/ready", Ct)).IsSuccessStatusCode);

        await ShopProcesses.SetFaultsAsync(shop, FaultSettings.Off, Ct);
        Assert.All((await ReadManyAsync(client, 50)).Statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task Added_latency_set_by_configuration_delays_every_request()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct,
            new Dictionary<string, string> { ["Shop__Faults__AddedLatencyMs"] = "600" });
        using var client = new HttpClient { BaseAddress = shop.Address };

        var (statuses, latencies) = await ReadManyAsync(client, 5);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        // Task.Delay runs on the runtime's coarse timer, which can fire up to a tick (a few ms) before the Stopwatch
        // says 600 ms have passed (598.8 ms was seen); the switch adds 600 ms, not 560.
        Assert.All(latencies, ms => Assert.True(ms >= 590, $"{ms} ms"));
        var watch = Stopwatch.StartNew();
        await client.GetAsync("health/live", Ct);
        Assert.True(watch.ElapsedMilliseconds < 600, "health endpoints are not delayed");
    }

    [Fact]
    public async Task The_dual_write_bug_makes_v2_write_a_full_name_that_disagrees_with_first_and_last_name()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 1, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct);
        using var client = new HttpClient { BaseAddress = shop.Address };

        var clean = await WriteAsync(client, 5);
        Assert.Empty(await DivergingAsync(database.ConnectionString));
        await ShopProcesses.SetFaultsAsync(shop, new FaultSettings(DualWriteBug: true), Ct);
        var buggy = await WriteAsync(client, 5);

        Assert.Equal(buggy, await DivergingAsync(database.ConnectionString)); // exactly the rows written with the bug on
        Assert.DoesNotContain(clean[0], buggy);
    }

    [Fact]
    public async Task The_dual_write_bug_can_be_switched_on_by_configuration()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 1, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct,
            new Dictionary<string, string> { ["Shop__Faults__DualWriteBug"] = "true" });
        using var client = new HttpClient { BaseAddress = shop.Address };
        Assert.Equal(await WriteAsync(client, 3), await DivergingAsync(database.ConnectionString));
    }

    [Fact]
    public async Task The_admin_endpoint_refuses_values_out_of_range()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct);
        using var client = new HttpClient { BaseAddress = shop.Address };
        using var response = await client.PutAsJsonAsync("admin/faults", new FaultSettings(ErrorRate: 1.5), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(FaultSettings.Off, await client.GetFromJsonAsync<FaultSettings>("admin/faults", Ct));
    }

    [Fact]
    public async Task Each_version_connects_with_its_own_application_name()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct);
        var databaseName = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync(Ct);
        // Both were asked /health/ready on start-up; pooled sessions stay connected.
        await using var sessions = new NpgsqlCommand(
            "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'shop-%' ORDER BY 1", connection);
        sessions.Parameters.Add(new NpgsqlParameter { Value = databaseName });
        var names = new List<string>();
        await using (var reader = await sessions.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) names.Add(reader.GetString(0));
        Assert.Equal(["shop-v1", "shop-v2"], names);
    }

    [Fact]
    public async Task Ready_checks_the_database_and_live_does_not()
    {
        var missing = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = "no_such_shop", Timeout = 3 }.ConnectionString;
        await using var shop = await ServiceInstance.StartAsync(
            ServiceStart.DotnetApp("shop-v2", ShopProcesses.Assembly) with
            {
                Environment = new Dictionary<string, string> { ["ConnectionStrings__Shop"] = missing, ["Shop__Version"] = "2" },
                ReadyPath = "/health/live",
            }, Ct);
        using var client = new HttpClient { BaseAddress = shop.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("health/ready", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_instance_that_never_becomes_ready_fails_naming_it_and_what_it_printed()
    {
        var missing = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = "no_such_shop", Timeout = 1 }.ConnectionString;
        var start = ServiceStart.DotnetApp("shop-v1", ShopProcesses.Assembly) with
        {
            Environment = new Dictionary<string, string> { ["ConnectionStrings__Shop"] = missing, ["Shop__Version"] = "1" },
            ReadyTimeout = TimeSpan.FromSeconds(4),
        };
        var error = await Assert.ThrowsAsync<Sluice.Errors.SluiceException>(() => ServiceInstance.StartAsync(start, Ct));
        Assert.Equal(Sluice.Errors.ErrorCodes.InstanceNotReady, error.Code);
        Assert.Contains("shop-v1", error.Message);
        Assert.Contains("/health/ready", error.Message);
        Assert.Contains("Now listening on", error.Message);
    }

    private static async Task<(List<HttpStatusCode> Statuses, List<double> Latencies)> ReadManyAsync(HttpClient client, int count)
    {
        var statuses = new List<HttpStatusCode>();
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync($"customers/{1 + i % 2000}", Ct);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            statuses.Add(response.StatusCode);
        }
        return (statuses, latencies);
    }

    private static async Task<List<long>> WriteAsync(HttpClient client, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PostAsJsonAsync("customers",
                new { email = $"parity-{Guid.NewGuid():N}@example.com", firstName = "Mary", lastName = $"Jackson {i}" }, Ct);
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<Created>(Ct))!.Id);
        }
        return ids;
    }

    private static async Task<List<long>> DivergingAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(Diverging, connection);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private sealed record Created(long Id);
}

using Npgsql;
using Sluice.Errors;
using Sluice.Testing.Postgres;
using Sluice.Traffic.Load;

namespace Sluice.Traffic.Tests;

/// <summary>The load generator's rules, row by row (see <see cref="LoadGenerator"/>), and a real run against the shop.</summary>
public sealed class LoadGeneratorTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("http://10.0.0.1:8080")]
    [InlineData("http://192.168.1.20")]
    [InlineData("http://172.16.0.5")]
    [InlineData("http://example.com")]
    [InlineData("http://[2001:db8::1]:80")]
    public void Rule1_a_target_off_loopback_is_refused_naming_it(string target)
    {
        var error = Assert.Throws<SluiceException>(() => new LoadGenerator(new LoadOptions(new Uri(target), 10, OneSecond)));
        Assert.Equal((ErrorCodes.LoadTargetNotLoopback, ErrorKind.Usage), (error.Code, error.Kind));
        Assert.Contains(new Uri(target).ToString(), error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://127.8.9.10")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    public void Rule1_loopback_targets_are_accepted(string target) =>
        Assert.Equal(new Uri(target), new LoadGenerator(new LoadOptions(new Uri(target), 10, OneSecond)).Options.Target);

    public static TheoryData<int, double, string> OutOfBounds => new()
    {
        { 0, 1, "rate" },
        { 501, 1, "rate" },
        { 10, 0, "duration" },
        { 10, -1, "duration" },
        { 10, 601, "duration" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void Rule2_a_rate_or_duration_out_of_bounds_is_refused_naming_it(int rate, double seconds, string parameter)
    {
        var error = Assert.Throws<SluiceException>(() =>
            new LoadGenerator(new LoadOptions(new Uri("http://127.0.0.1:5000"), rate, TimeSpan.FromSeconds(seconds))));
        Assert.Equal((ErrorCodes.BadLoadBounds, ErrorKind.Usage), (error.Code, error.Kind));
        Assert.Contains($"load generator's {parameter} is", error.Message);
    }

    [Fact]
    public void Rule3_a_write_share_outside_0_to_1_is_refused()
    {
        var error = Assert.Throws<SluiceException>(() =>
            new LoadGenerator(new LoadOptions(new Uri("http://127.0.0.1:5000"), 10, OneSecond) { WriteShare = 1.5 }));
        Assert.Equal(ErrorCodes.BadLoadBounds, error.Code);
        Assert.Contains("write share", error.Message);
    }

    [Fact]
    public async Task It_reads_and_writes_at_its_rate_and_stops_at_its_duration()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var shop = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct);
        var before = await CustomersAsync(database.ConnectionString);

        var report = await new LoadGenerator(new LoadOptions(shop.Address, 50, TimeSpan.FromSeconds(2)) { WriteShare = 0.3 }).RunAsync(Ct);

        Assert.Equal(100, report.Sent);
        Assert.Equal((100L, 0L, 0L), (report.Ok, report.Failed, report.Skipped));
        Assert.Equal(report.Sent, report.Reads + report.Writes);
        Assert.InRange(report.Writes, 15, 45);
        Assert.Equal(before + report.Writes, await CustomersAsync(database.ConnectionString)); // the writes are real rows
        // Requests start over the 2 s and the run ends when the last one is answered (well within its 10 s timeout).
        Assert.InRange(report.Elapsed.TotalSeconds, 1.9, 5);
    }

    [Fact]
    public async Task A_target_that_does_not_answer_counts_failures_and_still_stops_on_time()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: every connection is refused

        var report = await new LoadGenerator(new LoadOptions(new Uri($"http://127.0.0.1:{port}"), 20, OneSecond)).RunAsync(Ct);
        Assert.Equal((20L, 0L, 20L), (report.Sent, report.Ok, report.Failed));
        Assert.InRange(report.Elapsed.TotalSeconds, 0.9, 4);
    }

    private static async Task<long> CustomersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM customers", connection);
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }
}

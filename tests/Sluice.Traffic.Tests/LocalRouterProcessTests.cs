using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Shop.Faults;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Postgres.Canary;
using Sluice.Secrets;
using Sluice.Testing.Postgres;
using Sluice.Traffic.Load;
using Sluice.Traffic.Routing;

namespace Sluice.Traffic.Tests;

/// <summary>
/// <c>Router --router start|stop|status</c> with real processes: the router launched by one build process, the
/// canary's stages each in a build process of their own finding it through <c>.sluice/&lt;env&gt;/router.json</c>,
/// the shop's v1 and v2 as real processes behind it, the load generator through it. The rules are
/// <see cref="LocalRouterProcess"/>'s; the row each step proves is named beside it.
/// </summary>
public sealed class LocalRouterProcessTests(PostgresFixture postgres)
{
    private const string Env = "routed";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_router_process_keeps_the_weights_a_stage_set_and_a_killed_router_is_reported_by_the_next_stage_with_its_address()
    {
        await using var database = await PhaseStates.CreateAsync(postgres, 2, Ct);
        await using var v1 = await ShopProcesses.StartAsync(database.ConnectionString, 1, Ct);
        await using var v2 = await ShopProcesses.StartAsync(database.ConnectionString, 2, Ct);
        var root = await RootAsync(v1.Address, v2.Address, port: 0);
        var build = new Dictionary<string, string> { ["SLUICE_DATABASE"] = database.ConnectionString };
        var routerFile = Path.Combine(root, ".sluice", Env, "router.json");
        try
        {
            var start = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "start");     // rule 1
            Assert.True(start.ExitCode == 0, start.Output);
            var state = RouterState.Read(routerFile)!;
            Assert.StartsWith("http://127.0.0.1:", state.Address, StringComparison.Ordinal);
            Assert.Contains(state.Address, start.Output, StringComparison.Ordinal);
            using var router = new RemoteYarpRouter(new Uri(state.Address));

            var again = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "start");     // rule 2
            Assert.True(again.ExitCode == 2, again.Output);
            Assert.Contains($"error {ErrorCodes.RouterAlreadyRunning}", again.Output, StringComparison.Ordinal);

            // The stages, each a process of its own, drive the router the start left running (rule 11).
            using var stopLoad = new CancellationTokenSource();
            var load = new LoadGenerator(new LoadOptions(new Uri(state.Address), 150, TimeSpan.FromMinutes(3))).RunAsync(stopLoad.Token);
            var prepare = await BuildProcess.RunAsync(root, build, Ct, "Canary", "--env", Env, "--canary-stage", "prepare");
            Assert.True(prepare.ExitCode == 0, prepare.Output);
            var route = await BuildProcess.RunAsync(root, build, Ct, "Canary", "--env", Env, "--canary-stage", "route");
            Assert.True(route.ExitCode == 0, route.Output);
            Assert.Equal(50, (await router.CurrentAsync(Ct)).CanaryPercent);                                             // kept after the stage ended
            var status = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "status");   // rule 6
            Assert.True(status.ExitCode == 0, status.Output);
            Assert.Contains($"router at {state.Address} (pid {state.Pid}", status.Output, StringComparison.Ordinal);
            Assert.Contains("canary 50 %", status.Output, StringComparison.Ordinal);
            Assert.Contains("both ready", status.Output, StringComparison.Ordinal);

            // Killed as a crashed host kills it: the next stage names its address and exits 2, never a pass.
            using (var process = Process.GetProcessById(state.Pid)) process.Kill();
            await stopLoad.CancelAsync();
            try { await load; } catch (OperationCanceledException) { }
            var analyse = await BuildProcess.RunAsync(root, build, Ct, "Canary", "--env", Env, "--canary-stage", "analyse");
            Assert.True(analyse.ExitCode == 2, analyse.Output);
            Assert.Contains($"error {ErrorCodes.RouterFileStale}", analyse.Output, StringComparison.Ordinal);
            Assert.Contains(state.Address, analyse.Output, StringComparison.Ordinal);
            await using (var pool = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
            {
                var underWay = await new PostgresCanaryJournal(pool, SecretValues.None).FindUnderWayAsync(Env, Ct);
                Assert.NotNull(underWay);                                                                                  // not promoted
                Assert.DoesNotContain(underWay.Measurements, m => m.Decision.Action == CanaryAction.Promote);
            }
            var stale = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "status");    // rule 7
            Assert.True(stale.ExitCode == 2, stale.Output);
            Assert.Contains(routerFile, stale.Output, StringComparison.Ordinal);
            var staleStart = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "start"); // rule 3
            Assert.True(staleStart.ExitCode == 2, staleStart.Output);
            Assert.Contains($"error {ErrorCodes.RouterFileStale}", staleStart.Output, StringComparison.Ordinal);
            var cleared = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "stop");    // rule 10
            Assert.True(cleared.ExitCode == 0, cleared.Output);
            Assert.Contains("removed its stale file", cleared.Output, StringComparison.Ordinal);
            Assert.False(File.Exists(routerFile));

            // A new router; finish puts traffic back on the baseline; stop drains a slow request in flight.
            Assert.Equal(0, (await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "start")).ExitCode);
            var second = RouterState.Read(routerFile)!;
            var finish = await BuildProcess.RunAsync(root, build, Ct, "Canary", "--env", Env, "--canary-stage", "finish");
            Assert.True(finish.ExitCode == 0, finish.Output);
            await ShopProcesses.SetFaultsAsync(v1, new FaultSettings(AddedLatencyMs: 3000), Ct);
            using var client = new HttpClient { BaseAddress = new Uri(second.Address), Timeout = TimeSpan.FromSeconds(30) };
            var slow = client.GetAsync("/version", Ct);
            await Task.Delay(500, Ct);
            var stop = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "stop");       // rule 9
            Assert.True(stop.ExitCode == 0, stop.Output);
            Assert.Contains("finished the requests in flight", stop.Output, StringComparison.Ordinal);
            using var answered = await slow;
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.False(File.Exists(routerFile));
            Assert.Throws<HttpRequestException>(() => client.GetAsync("/version", Ct).GetAwaiter().GetResult());
            var none = await BuildProcess.RunAsync(root, build, Ct, "Router", "--env", Env, "--router", "status");     // rule 5
            Assert.True(none.ExitCode == 2, none.Output);
            Assert.Contains($"error {ErrorCodes.NoRouterCommand}", none.Output, StringComparison.Ordinal);
        }
        finally
        {
            await BuildProcess.RunAsync(root, build, CancellationToken.None, "Router", "--env", Env, "--router", "stop");
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_input_exits_2_naming_the_port_in_use_the_version_that_does_not_answer_or_the_stale_file_and_leaves_nothing_running()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var closed = $"http://127.0.0.1:{ClosedPort()}";
        var build = new Dictionary<string, string> { ["SLUICE_DATABASE"] = "Host=127.0.0.1;Port=1;Database=none" };

        var busy = await RootAsync(new Uri(closed), new Uri(closed), port);                                                // rule 4: SLU197
        var inUse = await BuildProcess.RunAsync(busy, build, Ct, "Router", "--env", Env, "--router", "start");
        Assert.True(inUse.ExitCode == 2, inUse.Output);
        Assert.Contains($"error {ErrorCodes.RouterDidNotStart}", inUse.Output, StringComparison.Ordinal);
        Assert.Contains($"{ErrorCodes.RouterCannotListen}: the router cannot listen on 127.0.0.1:{port}", inUse.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(busy, ".sluice", Env, "router.json")));

        var down = await RootAsync(new Uri(closed), new Uri(closed), 0);                                                    // rule 4: SLU175
        var unreachable = await BuildProcess.RunAsync(down, build, Ct, "Router", "--env", Env, "--router", "start");
        Assert.True(unreachable.ExitCode == 2, unreachable.Output);
        Assert.Contains($"{ErrorCodes.LocalRouterUnreachable}: the baseline version cannot be reached", unreachable.Output, StringComparison.Ordinal);
        Assert.Contains($"{closed}/health/ready", unreachable.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(down, ".sluice", Env, "router.json")));

        var file = Path.Combine(down, ".sluice", Env, "router.json");                                                      // rule 3
        new RouterState(closed, 999_999, closed, closed, false, DateTimeOffset.UtcNow).Write(file);
        var stale = await BuildProcess.RunAsync(down, build, Ct, "Router", "--env", Env, "--router", "start");
        Assert.True(stale.ExitCode == 2, stale.Output);
        Assert.Contains($"error {ErrorCodes.RouterFileStale}: the local router at {closed} (pid 999999", stale.Output, StringComparison.Ordinal);
        Assert.Contains(file, stale.Output, StringComparison.Ordinal);

        var bare = await BuildProcess.RunAsync(down, build, Ct, "Router", "--env", Env);
        Assert.True(bare.ExitCode == 2, bare.Output);
        Assert.Contains($"error {ErrorCodes.NoRouterCommand}", bare.Output, StringComparison.Ordinal);
        Directory.Delete(busy, recursive: true);
        Directory.Delete(down, recursive: true);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A build root whose environment <c>routed</c> has a canary with a local router and no admin address.</summary>
    private static async Task<string> RootAsync(Uri baseline, Uri canary, int port)
    {
        var root = Directory.CreateTempSubdirectory("sluice-router-").FullName;
        await PhaseStates.WritePlanAsync(Path.Combine(root, "pipelines"), 2, Ct);
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        await File.WriteAllTextAsync(Path.Combine(root, ".nuke", $"parameters.{Env}.json"), $$"""
            {
              "environment": {
                "provider": "connection",
                "connection_string_variable": "SLUICE_DATABASE",
                "canary": {
                  "steps": [ { "weight": 50, "interval": "2s" }, { "weight": 100, "interval": "2s" } ],
                  "metrics": [ { "name": "error_rate", "source": "router", "max": 0.01 } ],
                  "router": { "baseline": "{{baseline}}", "canary": "{{canary}}", "port": {{port}} },
                  "failure_limit": 0, "inconclusive_limit": 3, "consecutive_error_limit": 1, "min_samples": 30
                }
              }
            }
            """, Ct);
        return root;
    }
}

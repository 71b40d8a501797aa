using System.Text.Json;
using Npgsql;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Canary.Sources;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Observability;
using Sluice.Postgres.Canary;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Releases;
using Sluice.Releases;
using Sluice.Secrets;
using Sluice.Testing.Postgres;
using Sluice.Testing.Servers;
using Sluice.Tests;
using Sluice.Traffic.Load;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Tests;

/// <summary>
/// The canary as a step of Promote, end to end with real processes: the shop's v1 and v2 against one PostgreSQL, the
/// YARP router in front, the load generator through it, a real Prometheus scraping both, and the sample plan migrated
/// by Sluice with the canary between <c>requires_phase</c> and the contract. Short intervals keep it fast.
/// </summary>
public sealed class CanaryPromoteTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>The public schema's shape, order-free: equal text, equal schema.</summary>
    internal const string Shape = """
        SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) FROM (
            SELECT format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) AS x FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT format('trigger %s on %s', tgname, tgrelid::regclass) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL SELECT format('view %s', viewname) FROM pg_views WHERE schemaname = 'public') shape
        """;

    internal const string FlagOn = "SELECT coalesce((SELECT enabled FROM sluice.feature_flags WHERE name = 'customers.read_split_name'), false)";

    private static CanaryDefinition Definition(Uri prometheus, int inconclusiveLimit = 1, int consecutiveErrorLimit = 1) =>
        CanaryDefinitionReader.Read(JsonDocument.Parse($$"""
            {
              "requires_phase": "backfill_split_name",
              "flag": "customers.read_split_name",
              "steps": [ { "weight": 25, "interval": "{{Interval.TotalSeconds}}s" }, { "weight": 50, "interval": "{{Interval.TotalSeconds}}s" },
                         { "weight": 100, "interval": "{{Interval.TotalSeconds}}s" } ],
              "metrics": {{CanaryProcessStack.ShopMetrics}},
              "divergence": [
                { "name": "full_name", "table": "customers", "key": "id", "expected": "full_name",
                  "actual": "concat_ws(' ', first_name, last_name)", "written_at": "created_at" }
              ],
              "prometheus": "{{prometheus}}",
              "failure_limit": 0, "inconclusive_limit": {{inconclusiveLimit}}, "consecutive_error_limit": {{consecutiveErrorLimit}}, "min_samples": 30
            }
            """).RootElement);

    [Fact]
    public async Task A_healthy_v2_promotes_through_every_step_and_the_plan_completes()
    {
        await using var stack = await Stack.StartAsync(postgres, null, Ct);
        // Prometheus sees a step's requests only after its next scrape: on a busy machine a 25 % step of 2 s can end short
        // of min_samples there, and a healthy canary is held and measured again rather than judged on too little data.
        var outcome = await stack.PromoteAsync(load: true, Ct, inconclusiveLimit: 3);

        Assert.Null(outcome.Failure);
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        Assert.Equal(CanaryOutcome.Promoted, canary.Outcome);
        Assert.Equal([25, 50, 100], canary.Measurements.Select(m => m.Analysis.Weight).Distinct());
        Assert.All(canary.Measurements, m => Assert.NotEqual(Verdict.Fail, m.Analysis.Verdict));
        Assert.Contains(canary.Measurements, m => m.Analysis.Judgements.Any(j => j.Source == "prometheus" && j.Verdict == Verdict.Pass));
        Assert.Equal(TrafficSplit.AllCanary, await stack.Pair.Router.CurrentAsync(Ct));
        Assert.Equal(JournalStatus.Done, (await stack.Release.Migrations.Providers.Journal.FindPlanAsync("0001_split_customer_name", Ct))!.Status);
        Assert.Equal(canary.Measurements.Count, outcome.Lines.Count(l => l.StartsWith("canary step", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_canary_records_its_three_instruments_per_version_at_each_measurement()
    {
        await using var stack = await Stack.StartAsync(postgres, null, Ct);
        var seen = new List<(string Name, double Value, string? Role, string? Version)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == stack.Release.Migrations.Providers.Telemetry!.Instruments.Meter && instrument.Name.StartsWith("sluice.canary.", StringComparison.Ordinal))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            var copy = tags.ToArray();
            string? Tag(string name) => copy.FirstOrDefault(t => t.Key == name).Value as string;
            lock (seen) seen.Add((i.Name, v, Tag("role"), Tag("version")));
        });
        listener.Start();
        var outcome = await stack.PromoteAsync(load: true, Ct, inconclusiveLimit: 3);

        Assert.Null(outcome.Failure);
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        var measured = canary.Measurements.Count;
        var rates = seen.Where(m => m.Name == SluiceInstruments.CanaryErrorRate.Name).ToList();
        Assert.Equal(measured, rates.Count(m => m is { Role: "canary", Version: "2" }));
        Assert.All(rates, m => Assert.InRange(m.Value, 0, 0.01)); // healthy: what the judgements passed
        Assert.Equal(measured, seen.Count(m => m.Name == SluiceInstruments.CanaryErrorRateLimit.Name && m.Value == 0.01));
        // Every latency sample the router measured during the steps, in seconds, per version.
        var latencies = canary.Measurements.SelectMany(m => m.Analysis.Judgements).Where(j => j.Source == "router" && j.Metric == "latency").ToList();
        Assert.Equal(latencies.Sum(j => j.CanaryCount), seen.Count(m => m is { Name: "sluice.canary.latency", Role: "canary", Version: "2" }));
        Assert.Equal(latencies.Sum(j => j.BaselineCount), seen.Count(m => m is { Name: "sluice.canary.latency", Role: "baseline", Version: "1" }));
        Assert.All(seen.Where(m => m.Name == SluiceInstruments.CanaryLatency.Name), m => Assert.InRange(m.Value, 0, 2));
    }

    [Fact]
    public async Task A_v2_with_5_percent_errors_is_rolled_back_within_two_intervals_to_the_schema_before_the_plan_with_the_flag_off()
    {
        await using var stack = await Stack.StartAsync(postgres, new Dictionary<string, string> { ["Shop__Faults__ErrorRate"] = "0.05" }, Ct);
        var outcome = await stack.PromoteAsync(load: true, Ct);

        Assert.Equal(ErrorCodes.PromoteFailed, outcome.Failure?.Code);
        Assert.Equal(ErrorCodes.CanaryFailed, Assert.IsType<SluiceException>(outcome.Failure!.InnerException).Code);
        Assert.Contains("canary on 'local' failed", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(TrafficSplit.AllBaseline, await stack.Pair.Router.CurrentAsync(Ct));
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        Assert.Equal(CanaryOutcome.RolledBack, canary.Outcome);
        Assert.NotNull(canary.RolledBackDetail);
        Assert.Contains("1 of 1 rollbacks succeeded", new CanaryStatusReport([canary]).Render(), StringComparison.Ordinal);
        var failing = canary.Measurements[^1];
        Assert.Equal(Verdict.Fail, failing.Analysis.Verdict);
        Assert.Contains(failing.Analysis.Judgements, j => j.Metric is "error_rate" or "http_5xx" && j.Verdict == Verdict.Fail);
        // From the first request on v2 (the first window's start) to traffic back on v1.
        var onset = canary.Measurements[0].Analysis.Window.Start;
        var back = failing.Analysis.Window.End + canary.BackOnBaselineAfter!.Value;
        Assert.True(back - onset <= 2 * Interval + TimeSpan.FromSeconds(1), $"back on the baseline {(back - onset).TotalSeconds:0.0} s after the onset");
        Assert.True(canary.BackOnBaselineAfter < TimeSpan.FromMilliseconds(100), $"{canary.BackOnBaselineAfter}");
        Assert.Equal(stack.ShapeBefore, await stack.ScalarAsync<string>(Shape));
        Assert.False(await stack.ScalarAsync<bool>(FlagOn));
    }

    [Fact]
    public async Task Without_traffic_every_step_is_inconclusive_held_and_failed_after_the_limit_never_promoted()
    {
        await using var stack = await Stack.StartAsync(postgres, null, Ct);
        var outcome = await stack.PromoteAsync(load: false, Ct);

        Assert.Equal(ErrorCodes.PromoteFailed, outcome.Failure?.Code);
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        Assert.Equal(CanaryOutcome.RolledBack, canary.Outcome);
        Assert.Equal([Verdict.Inconclusive, Verdict.Inconclusive], canary.Measurements.Select(m => m.Analysis.Verdict));
        Assert.All(canary.Measurements, m => Assert.Equal(25, m.Analysis.Weight)); // held at the first weight
        Assert.Equal([CanaryAction.HoldAndRetry, CanaryAction.Fail], canary.Measurements.Select(m => m.Decision.Action));
        Assert.Contains("no data is never a pass", canary.Reason, StringComparison.Ordinal);
        Assert.Equal(stack.ShapeBefore, await stack.ScalarAsync<string>(Shape));
    }

    [Fact]
    public async Task A_canary_instance_killed_mid_step_is_detected_and_rolled_back()
    {
        await using var stack = await Stack.StartAsync(postgres, null, Ct);
        stack.OnFirstStep = () => stack.Pair.V2.Kill();
        var outcome = await stack.PromoteAsync(load: true, Ct);

        Assert.Equal(ErrorCodes.PromoteFailed, outcome.Failure?.Code);
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        Assert.Equal(CanaryOutcome.RolledBack, canary.Outcome);
        var router = canary.Measurements[^1].Analysis.Judgements.Single(j => j.Metric == "error_rate");
        Assert.Equal(Verdict.Fail, router.Verdict);
        // Killed half way through the step: about half of the step's requests to v2 failed, far over the limit.
        Assert.True(router.CanaryValue > 0.1, $"error rate {router.CanaryValue}");
        Assert.Equal(TrafficSplit.AllBaseline, await stack.Pair.Router.CurrentAsync(Ct));
        Assert.Equal(stack.ShapeBefore, await stack.ScalarAsync<string>(Shape));
    }

    [Fact]
    public async Task A_metric_source_that_stops_answering_fails_the_canary_after_the_consecutive_error_limit_never_passes_it()
    {
        await using var stack = await Stack.StartAsync(postgres, null, Ct);
        stack.OnFirstStep = () => stack.Prometheus.Kill();
        var outcome = await stack.PromoteAsync(load: true, Ct);

        Assert.Equal(ErrorCodes.PromoteFailed, outcome.Failure?.Code);
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        Assert.Equal([Verdict.Error, Verdict.Error], canary.Measurements.Select(m => m.Analysis.Verdict));
        Assert.Equal(3, canary.Measurements[^1].Decision.Rule);
        Assert.All(canary.Measurements, m => Assert.Equal(25, m.Analysis.Weight));
        Assert.Equal(TrafficSplit.AllBaseline, await stack.Pair.Router.CurrentAsync(Ct));
    }

    [Fact]
    public async Task A_v2_with_a_dual_write_bug_is_caught_by_divergence_with_the_keys_named_and_rolled_back()
    {
        await using var stack = await Stack.StartAsync(postgres, new Dictionary<string, string> { ["Shop__Faults__DualWriteBug"] = "true" }, Ct);
        var outcome = await stack.PromoteAsync(load: true, Ct);

        Assert.Equal(ErrorCodes.PromoteFailed, outcome.Failure?.Code);
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        var parity = canary.Measurements[^1].Analysis.Judgements.Single(j => j.Check == "parity");
        Assert.Equal(Verdict.Fail, parity.Verdict);
        Assert.NotEmpty(parity.DifferingKeys!);
        Assert.All(parity.DifferingKeys!, key => Assert.True(long.TryParse(key, out _), key));
        Assert.Contains(parity.DifferingKeys![0], parity.Reason, StringComparison.Ordinal);
        Assert.Equal(stack.ShapeBefore, await stack.ScalarAsync<string>(Shape));
        Assert.False(await stack.ScalarAsync<bool>(FlagOn));
    }

    /// <summary>One promote's world: a shop database before the plan, v1 and v2 behind the router, Prometheus scraping both.</summary>
    private sealed class Stack : IAsyncDisposable
    {
        private readonly EphemeralDatabase _database;
        private readonly string _pipelines;

        private Stack(EphemeralDatabase database, string pipelines, ShopPair pair, PrometheusServer prometheus, string shapeBefore)
        {
            _database = database;
            _pipelines = pipelines;
            Pair = pair;
            Prometheus = prometheus;
            ShapeBefore = shapeBefore;
            Release = new PostgresReleaseDatabase(database.ConnectionString);
            Pool = NpgsqlDataSource.Create(database.ConnectionString);
            Journal = new PostgresCanaryJournal(Pool, SecretValues.None);
        }

        public ShopPair Pair { get; }
        public PrometheusServer Prometheus { get; }
        public PostgresReleaseDatabase Release { get; }
        public NpgsqlDataSource Pool { get; }
        public ICanaryJournal Journal { get; }
        public string ShapeBefore { get; }

        /// <summary>Done once the first step's traffic is routed (a crash, a silent source).</summary>
        public Action? OnFirstStep { get; set; }

        public static async Task<Stack> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string>? v2Settings, CancellationToken ct)
        {
            var database = await PhaseStates.CreateAsync(postgres, 0, ct);
            var pipelines = Path.Combine(Path.GetTempPath(), $"sluice-canary-{Guid.NewGuid():N}");
            var folder = Path.Combine(pipelines, "shop", "migrations", "0001_split_customer_name");
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.EnumerateFiles(RepositoryFiles.SamplePlan)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            // Bounded pools: on a slow machine each version's pool would otherwise grow with the requests waiting.
            var pair = await ShopPair.StartAsync($"{database.ConnectionString};Maximum Pool Size=10", ct, v2Settings: v2Settings);
            var prometheus = await PrometheusServer.StartAsync([pair.V1.Address, pair.V2.Address], TimeSpan.FromMilliseconds(200), ct);
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(ct);
            await using var shape = new NpgsqlCommand(Shape, connection);
            return new Stack(database, pipelines, pair, prometheus, (string)(await shape.ExecuteScalarAsync(ct))!);
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var command = Pool.CreateCommand(sql);
            return (T)(await command.ExecuteScalarAsync(Ct))!;
        }

        /// <param name="inconclusiveLimit">How often a step short of samples is held and measured again.</param>
        public async Task<(SluiceException? Failure, IReadOnlyList<string> Lines)> PromoteAsync(bool load, CancellationToken ct, int inconclusiveLimit = 1)
        {
            var definition = Definition(Prometheus.Address, inconclusiveLimit);
            var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var sources = new List<IMetricSource> { new RouterMetricSource(Pair.Router), PrometheusMetricSource.For(definition, http, Prometheus.Address) };
            var analyzer = new CanaryAnalyzer(sources, new PostgresDivergenceProbe(_database.ConnectionString))
            {
                Instruments = new CanaryInstruments(Release.Migrations.Providers.Telemetry!, "local", "shop"),
            };
            analyzer.CheckSources(definition);
            await Pair.Router.CheckReachableAsync(ct);
            var router = new FirstStepHook(Pair.Router, () => OnFirstStep?.Invoke());
            var runner = new CanaryRunner(definition, router, analyzer, Journal);
            var lines = new List<string>();
            var by = new RunnerIdentity("canary-test", "host", null);
            var migration = new MigrationRequest(_pipelines, null, "local", By: by);
            var barrier = new CanaryBarrier(definition, runner, Journal, Release.Migrations.Providers.Journal,
                new CanaryContext("local", "0001_split_customer_name", by.ToString()), new Lines(lines));
            var request = new PromoteRequest(migration, EnvironmentSpec.LocalDefault, [],
                Release.Sources(new PostgresPromotionHistory((_, _) => Task.FromResult<string?>(null)))) { Barrier = barrier };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var traffic = load
                ? new LoadGenerator(new LoadOptions(Pair.RouterAddress, 150, TimeSpan.FromMinutes(2))).RunAsync(stop.Token)
                : Task.FromResult<LoadReport>(null!);
            try
            {
                await Release.Service().PromoteAsync(request, null, ct);
                return (null, lines);
            }
            catch (SluiceException e)
            {
                return (e, lines);
            }
            finally
            {
                await stop.CancelAsync();
                try { await traffic; } catch (OperationCanceledException) { }
                http.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Pair.DisposeAsync();
            await Prometheus.DisposeAsync();
            await Release.DisposeAsync();
            await Pool.DisposeAsync();
            await _database.DisposeAsync();
            Directory.Delete(_pipelines, recursive: true);
        }
    }

    private sealed class Lines(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines) lines.Add(value);
            TestContext.Current.TestOutputHelper?.WriteLine(value);
        }
    }

    /// <summary>The router as the canary sees it, doing one thing once the first step's weight is set.</summary>
    private sealed class FirstStepHook(ITrafficRouter router, Action first) : ITrafficRouter
    {
        private int _routed;

        public string Address => router.Address;

        public Task CheckReachableAsync(CancellationToken cancellationToken) => router.CheckReachableAsync(cancellationToken);

        public async Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken)
        {
            await router.RouteAsync(split, cancellationToken);
            if (split.CanaryPercent > 0 && Interlocked.Exchange(ref _routed, 1) == 0)
                _ = Task.Delay(Interval / 2, CancellationToken.None).ContinueWith(_ => first(), TaskScheduler.Default);
        }

        public Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken) => router.CurrentAsync(cancellationToken);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Sluice.Errors;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Running;
using Sluice.Observability;
using Sluice.Observability.Tracing;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Postgres.Tests.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Observability;

/// <summary>
/// One real Promote against a real PostgreSQL that meets everything a release meets: a workload's row lock that
/// makes a backfill batch wait (and retry), a replica reported lagging for one read (simulated, as the throttle tests
/// do), and a contract phase that raises, so Promote rolls back. Seen through the OpenTelemetry SDK's in-memory
/// exporter (spans, with Npgsql's instrumentation) and a meter listener on this database's own meter.
/// </summary>
public sealed class PromoteTelemetryTests(PostgresFixture postgres)
{
    private const string PlanId = "0001_split_customer_name";
    private static readonly ActivitySource TestSource = new("Sluice.Tests.Telemetry");

    [Fact]
    public async Task A_promote_records_every_release_instrument_and_a_span_tree_with_the_database_conventions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct, extraCustomers: 3000);
        using var plans = PlanCopy.Sample(("initial_batch_size: 1000", "initial_batch_size: 500"));
        var contract = Path.Combine(plans.SampleFolder, "05_drop_full_name.up.sql");
        File.AppendAllText(contract, "\nSELECT 1 / 0;\n");
        var rows = await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers", ct);

        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(SluiceActivities.SourceName, TestSource.Name).AddNpgsql().AddInMemoryExporter(spans).Build();
        var lagged = 0;
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var providers = release.Migrations.Providers with
        {
            Pressure = new TestPressure(_ => Task.FromResult(Interlocked.Increment(ref lagged) == 1 ? new BackfillPressure(TimeSpan.FromMinutes(1), 0) : TestPressure.Calm)),
        };
        var service = new Sluice.Releases.ReleaseService(providers, release.Journal, expectations: release.Expectations);
        var seen = Listen(release.Migrations.Providers.Telemetry!.Instruments.Meter);

        // A workload transaction takes the first customer's row as the backfill starts (not before: the expand's
        // ALTER TABLE would wait on it): the first batch waits on it past its lock_timeout, and the lock goes when the
        // runner reports the retry.
        await using var workload = new NpgsqlConnection(database.ConnectionString);
        await workload.OpenAsync(ct);
        await using var held = await workload.BeginTransactionAsync(ct);
        var progress = new RecordingProgress(r =>
        {
            if (r.Phase != "backfill_split_name") return;
            if (r.Step == MigrationStep.PhaseStarted)
            {
                using var lockRow = new NpgsqlCommand("SELECT id FROM customers ORDER BY id LIMIT 1 FOR UPDATE", workload, held);
                lockRow.ExecuteScalar();
            }
            if (r.Step == MigrationStep.Retry && held.Connection is not null) held.Commit();
        });

        ActivityTraceId trace;
        using (var root = TestSource.StartActivity("test promote"))
        {
            trace = root!.TraceId;
            var error = await Assert.ThrowsAsync<SluiceException>(() => service.PromoteAsync(ReleaseFixtures.Promote(release, plans), progress, ct));
            Assert.Equal("SLU074", error.Code);
        }
        tracing.ForceFlush();
        seen.Dispose();

        // Every instrument of the catalog but the canary's (recorded by the canary step, not by Promote) was recorded.
        var canary = new[] { SluiceInstruments.CanaryErrorRate, SluiceInstruments.CanaryErrorRateLimit, SluiceInstruments.CanaryLatency }.Select(m => m.Name);
        Assert.Equal(SluiceInstruments.Catalog.Select(m => m.Name).Except(canary).Order(), seen.Names.Order());
        Assert.Equal(rows, seen.Sum(SluiceInstruments.RowsBackfilled.Name));
        Assert.Equal(0, seen.Sum(SluiceInstruments.BackfillActive.Name));
        Assert.Equal(1, seen.Sum(SluiceInstruments.LockWaits.Name));
        Assert.Equal([MetricLabels.Reasons.ReplicationLag], seen.Tag(SluiceInstruments.ThrottlePauses.Name, MetricLabels.Reason));
        Assert.Equal([MetricLabels.Outcomes.Succeeded], seen.Tag(SluiceInstruments.Rollbacks.Name, MetricLabels.Outcome));
        Assert.Equal(TimeSpan.FromDays(2).TotalSeconds, seen.Last(SluiceInstruments.PartialStateLimit.Name));

        var tree = spans.Where(s => s.TraceId == trace).ToList();
        Activity Span(string name) => Assert.Single(tree, s => s.DisplayName == name);
        var plan = Span($"migrate {PlanId}");
        Assert.Equal("failed", plan.GetTagItem(SemanticAttributes.DeploymentStatus));
        var dbName = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        foreach (var phase in new[] { "add_split_columns", "backfill_split_name", "index_last_name", "read_split_name", "drop_full_name" })
        {
            var span = Assert.Single(tree, s => s.DisplayName.EndsWith($" up {PlanId}/{phase}", StringComparison.Ordinal));
            Assert.Equal(plan.SpanId, span.ParentSpanId);
            Assert.Equal(("postgresql", dbName, "local"), (span.GetTagItem(SemanticAttributes.DbSystemName), span.GetTagItem(SemanticAttributes.DbNamespace),
                span.GetTagItem(SemanticAttributes.DeploymentEnvironmentName)));
        }
        var failed = Assert.Single(tree, s => s.Status == ActivityStatusCode.Error && s.DisplayName.EndsWith("/drop_full_name", StringComparison.Ordinal));
        Assert.Equal(("22012", "22012"), (failed.GetTagItem(SemanticAttributes.ErrorType), failed.GetTagItem(SemanticAttributes.DbResponseStatusCode)));

        var backfill = Span($"backfill up {PlanId}/backfill_split_name");
        var groups = tree.Where(s => s.ParentSpanId == backfill.SpanId && s.DisplayName == "UPDATE customers").ToList();
        Assert.NotEmpty(groups);
        Assert.Equal(rows, groups.Sum(g => Convert.ToInt64(g.GetTagItem(SemanticAttributes.DbOperationBatchSize))));
        // Npgsql's own spans sit under the phase (or its batch groups), not beside it.
        var phaseIds = tree.Where(s => s.Source.Name == SluiceActivities.SourceName).Select(s => s.SpanId).ToHashSet();
        var npgsql = tree.Where(s => s.Source.Name == "Npgsql").ToList();
        Assert.NotEmpty(npgsql);
        Assert.Contains(npgsql, s => s.ParentSpanId == backfill.SpanId || groups.Any(g => g.SpanId == s.ParentSpanId));
        Assert.All(npgsql, s => Assert.True(phaseIds.Contains(s.ParentSpanId) || s.ParentSpanId == tree.Single(t => t.Parent is null).SpanId,
            $"{s.DisplayName} has an unknown parent"));

        Assert.Contains(tree, s => s.DisplayName == "gate rehearsal" || s.DisplayName.StartsWith("gate ", StringComparison.Ordinal));
        var rollback = Span($"rollback {PlanId}");
        Assert.Equal(MetricLabels.Outcomes.Succeeded, rollback.GetTagItem(SemanticAttributes.RollbackOutcome));
        Assert.Equal(5, tree.Count(s => s.ParentSpanId == rollback.SpanId && s.DisplayName.Contains(" down ", StringComparison.Ordinal)));
    }

    /// <summary>Every measurement on <paramref name="meter"/>, with its tags.</summary>
    private static Measurements Listen(Meter meter)
    {
        var measurements = new Measurements();
        var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Meter == meter) l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add(i.Name, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Add(i.Name, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add(i.Name, v, tags));
        listener.Start();
        measurements.Listener = listener;
        return measurements;
    }

    private sealed class Measurements : IDisposable
    {
        private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _all = [];

        public MeterListener? Listener { get; set; }

        public void Add(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            lock (_all) _all.Add((name, value, copy));
        }

        public IEnumerable<string> Names => _all.Select(m => m.Name).Distinct();

        public double Sum(string name) => _all.Where(m => m.Name == name).Sum(m => m.Value);

        public double Last(string name) => _all.Last(m => m.Name == name).Value;

        public IEnumerable<object?> Tag(string name, string tag) => _all.Where(m => m.Name == name).Select(m => m.Tags[tag]).Distinct();

        public void Dispose() => Listener?.Dispose();
    }
}

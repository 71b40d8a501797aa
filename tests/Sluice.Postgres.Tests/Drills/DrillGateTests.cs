using System.Text.Json;
using Sluice.Drills;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Postgres.Drills;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Drills;

/// <summary>The drill gate's rules (DrillGate's doc comment) row by row, on evidence in a real <c>sluice.drills</c>;
/// where the policy adds it; and the copy guard.</summary>
public sealed class DrillGateTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private static GateContext Context => new("staging", EnvironmentSpec.LocalDefault with { Protected = true }, [], Now);

    private static DrillResult Drill(string scenario, DateTimeOffset at, DrillOutcome outcome = DrillOutcome.Restored, long missing = 0) =>
        new("staging", scenario, at, outcome, outcome == DrillOutcome.Failed ? null : TimeSpan.FromSeconds(4.2), missing, 0, 0, "snapshot s1", "detail", "ci@runner");

    [Fact]
    public async Task Each_rule_decides_on_the_latest_drill_of_each_required_scenario()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        await using var pool = Npgsql.NpgsqlDataSource.Create(database.ConnectionString);
        var journal = new PostgresDrillJournal(pool);
        var gate = new DrillGate(journal, Week, ["corrupted-table", "failed-contract"]);

        // 1. never drilled: fail, and the remedy is the exact command of each scenario.
        var never = await gate.EvaluateAsync(Context, Ct);
        Assert.Equal(GateVerdict.Fail, never.Verdict);
        Assert.Contains("corrupted-table was never drilled on staging", never.Evidence);
        Assert.Equal("./build.sh Drill --env staging --scenario corrupted-table && ./build.sh Drill --env staging --scenario failed-contract", never.Remedy);

        // 2. older than the limit: fail with its age (the fresh one passes beside it).
        await journal.RecordAsync(Drill("corrupted-table", Now - TimeSpan.FromDays(9)), Ct);
        await journal.RecordAsync(Drill("failed-contract", Now - TimeSpan.FromDays(1)), Ct);
        var stale = await gate.EvaluateAsync(Context, Ct);
        Assert.Equal(GateVerdict.Fail, stale.Verdict);
        Assert.Contains("corrupted-table was last drilled 9d ago (limit 7d)", stale.Evidence);
        Assert.Equal("./build.sh Drill --env staging --scenario corrupted-table", stale.Remedy);

        // 3. the latest lost data or failed: fail with the outcome.
        await journal.RecordAsync(Drill("corrupted-table", Now - TimeSpan.FromHours(2), DrillOutcome.DataLost, missing: 12), Ct);
        await journal.RecordAsync(Drill("failed-contract", Now - TimeSpan.FromHours(1), DrillOutcome.Failed), Ct);
        var lost = await gate.EvaluateAsync(Context, Ct);
        Assert.Equal(GateVerdict.Fail, lost.Verdict);
        Assert.Contains("lost data: 12 row(s) missing, 0 changed", lost.Evidence);
        Assert.Contains("failed: the recovery did not restore the service", lost.Evidence);

        // 4. fresh and restored: pass, with the measured time.
        await journal.RecordAsync(Drill("corrupted-table", Now - TimeSpan.FromMinutes(30)), Ct);
        await journal.RecordAsync(Drill("failed-contract", Now - TimeSpan.FromMinutes(20)), Ct);
        var passed = await gate.EvaluateAsync(Context, Ct);
        Assert.Equal(GateVerdict.Pass, passed.Verdict);
        Assert.Contains("corrupted-table restored in 4.2 s with 0 rows lost", passed.Evidence);

        // Another environment's drills are not this one's evidence.
        Assert.Equal(GateVerdict.Fail, (await gate.EvaluateAsync(Context with { Environment = "production" }, Ct)).Verdict);
        Assert.Equal(6, (await journal.ListAsync("staging", Ct)).Count);
    }

    [Fact]
    public void The_policy_adds_the_gate_on_protected_environments_that_set_drill_max_age()
    {
        var gates = JsonDocument.Parse("""{ "drill_max_age": "7d", "drills": ["failed-contract"] }""").RootElement;
        var sources = new GateSources(null!, null!, null!, null!, new NoSnapshotSource(), new NoRehearsalSource(), null!);
        EnvironmentSpec Spec(bool isProtected, JsonElement? g) => EnvironmentSpec.LocalDefault with { Protected = isProtected, Order = 1, Gates = g };
        Assert.Contains(GatePolicy.For("staging", Spec(true, gates), default, [], sources), g => g is DrillGate);
        Assert.DoesNotContain(GatePolicy.For("staging", Spec(false, gates), default, [], sources), g => g is DrillGate);
        Assert.DoesNotContain(GatePolicy.For("staging", Spec(true, null), default, [], sources), g => g is DrillGate);
        Assert.Equal(["failed-contract"], GateSettings.Read(gates).RequiredDrills);
        Assert.Equal(["corrupted-table"], GateSettings.Read(JsonDocument.Parse("""{ "drill_max_age": "7d" }""").RootElement).RequiredDrills);
        var bad = Assert.Throws<SluiceException>(() => GateSettings.Read(JsonDocument.Parse("""{ "drills": "corrupted-table" }""").RootElement, "p.json"));
        Assert.Equal(ErrorCodes.BadGateSettings, bad.Code);
    }

    [Fact]
    public void A_copy_that_would_be_the_environment_is_refused_with_exit_2()
    {
        const string environment = "Host=127.0.0.1;Port=5433;Database=shop;Username=postgres";
        var same = Assert.Throws<SluiceException>(() => DrillCopyGuard.EnsureNotEnvironment(environment, "Host=127.0.0.1;Port=5433;Database=shop;Username=other", "staging"));
        Assert.Equal((ErrorCodes.DrillCopyIsEnvironment, ErrorKind.Usage), (same.Code, same.Kind));
        Assert.Contains("the copy would be 127.0.0.1:5433/shop, the environment's own database", same.Message);
        DrillCopyGuard.EnsureNotEnvironment(environment, "Host=127.0.0.1;Port=5433;Database=sluice_eph_1;Username=postgres", "staging");
        var named = Assert.Throws<SluiceException>(() => DrillCopyGuard.EnsureCopiesCannotBe(
            "Host=127.0.0.1;Port=5433;Database=sluice_eph_20261201120000_0000abcd", "staging"));
        Assert.Equal(ErrorCodes.DrillCopyIsEnvironment, named.Code);
    }
}

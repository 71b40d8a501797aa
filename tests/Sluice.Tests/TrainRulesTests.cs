using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Trains;

namespace Sluice.Tests;

/// <summary>The rows of <see cref="TrainPlanner"/> and <see cref="DependencyGate"/>, one test each.</summary>
public sealed class TrainRulesTests
{
    private static MigrationPhase Phase(string name, params string[] requires) =>
        new ScriptPhase(name, PhaseKind.Expand, new PlanScript("up.sql", "/p/up.sql", "SELECT 1;"), null, true, null, TimeSpan.FromSeconds(1), null, 1, true, null, 1, false)
        {
            Requires = [.. requires.Select(Parse)],
        };

    private static Requirement Parse(string key)
    {
        var slash = key.IndexOf('/');
        var at = key.IndexOf('@');
        return new Requirement(key[..slash], key[(slash + 1)..at], key[(at + 1)..], "plan.yaml", 1);
    }

    private static MigrationPlan Plan(string id, params MigrationPhase[] phases) =>
        new(id, "team", MigrationRisk.Low, "test", TimeSpan.FromHours(1), phases, "/p", "/p/plan.yaml", "hash");

    private static TrainService Service(string name, params MigrationPlan[] plans) => new(name, [.. plans.Select(p => (p, (IReadOnlyList<MigrationPhase>)p.Phases))]);

    private static List<string> Order(params TrainService[] services) => [.. TrainPlanner.Order(services).Select(s => s.Key)];

    [Fact]
    public void Planner_row1_a_services_phases_keep_their_order_plans_in_folder_order() =>
        Assert.Equal(["a/1@x", "a/1@y", "a/2@z"], Order(Service("a", Plan("1", Phase("x"), Phase("y")), Plan("2", Phase("z")))));

    [Fact]
    public void Planner_row2_a_phase_comes_after_the_train_phase_it_requires() =>
        Assert.Equal(["b/1@x", "a/1@y", "a/1@z", "b/1@w"],
            Order(Service("b", Plan("1", Phase("x"), Phase("w", "a/1@z"))), Service("a", Plan("1", Phase("y"), Phase("z")))));

    [Fact]
    public void Planner_row3_a_requirement_outside_the_train_orders_nothing() =>
        Assert.Equal(["b/1@x", "b/1@w"], Order(Service("b", Plan("1", Phase("x"), Phase("w", "a/1@done_already")))));

    [Fact]
    public void Planner_row4_free_phases_go_phase_by_phase_across_services_in_listed_order() =>
        Assert.Equal(["a/1@x", "b/1@x", "a/1@y", "b/1@y"],
            Order(Service("a", Plan("1", Phase("x"), Phase("y"))), Service("b", Plan("1", Phase("x"), Phase("y")))));

    [Fact]
    public void Planner_row5_no_order_is_SLU304_naming_the_waiting_phases()
    {
        var error = Assert.Throws<Sluice.Errors.SluiceException>(() =>
            Order(Service("a", Plan("1", Phase("x", "b/1@x"))), Service("b", Plan("1", Phase("x", "a/1@x")))));
        Assert.Equal(Sluice.Errors.ErrorCodes.RequirementCycle, error.Code);
        Assert.Contains("a/1@x, b/1@x", error.Message);
    }

    private static (string, RequirementState) State(JournalStatus? status, bool scheduled = false) =>
        ("billing/0001@switch", new RequirementState(Parse("shop/0001@switch"), status, status == JournalStatus.Done ? DateTimeOffset.Parse("2026-12-01T10:00Z") : null, scheduled));

    [Fact]
    public void Gate_row1_no_requirement_passes() =>
        Assert.Equal(GateVerdict.Pass, DependencyGate.Judge("local", []).Verdict);

    [Fact]
    public void Gate_row2_a_service_without_a_journal_fails_naming_it_and_the_command()
    {
        var result = DependencyGate.Judge("local", [State(null)]);
        Assert.Equal(GateVerdict.Fail, result.Verdict);
        Assert.Contains("service 'shop' has no journal on 'local'", result.Evidence);
        Assert.Contains("./build.sh Promote --env local --service shop --migration 0001", result.Remedy);
    }

    [Theory]
    [InlineData(JournalStatus.Pending)]
    [InlineData(JournalStatus.Started)]
    [InlineData(JournalStatus.Failed)]
    [InlineData(JournalStatus.Reverted)]
    public void Gate_row3_a_requirement_not_done_fails_naming_it_its_status_and_the_command(JournalStatus status)
    {
        var result = DependencyGate.Judge("local", [State(JournalStatus.Done), State(status)]);
        Assert.Equal(GateVerdict.Fail, result.Verdict);
        Assert.Contains($"billing/0001@switch requires shop/0001@switch, which is {status.ToString().ToLowerInvariant()} on 'local'", result.Evidence);
        Assert.Contains("--services all", result.Remedy);
    }

    [Fact]
    public void Gate_row4_done_or_run_earlier_in_the_train_passes_with_when()
    {
        var result = DependencyGate.Judge("local", [State(JournalStatus.Done), State(JournalStatus.Pending, scheduled: true)]);
        Assert.Equal(GateVerdict.Pass, result.Verdict);
        Assert.Contains("done 2026-12-01 10:00Z", result.Evidence);
        Assert.Contains("runs earlier in this train", result.Evidence);
    }
}

using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary>The rows of <see cref="RequirementGraph"/> and <see cref="RequiresReader"/>'s format, each on plans on disk:
/// every bad entry is a usage error naming the plan.yaml and the entry's line.</summary>
public sealed class RequirementRulesTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>A plan of two phases (expand, switch); <paramref name="requires"/> goes on the switch (line 11 onwards).</summary>
    private string Plan(string service, string id, params string[] requires)
    {
        var entries = requires.Length == 0 ? "" : "\n    requires:\n" + string.Join("\n", requires.Select(r => $"      - {r}"));
        var file = _scratch.Write($"{service}/migrations/{id}/plan.yaml", $"""
            id: {id}
            owner: team
            risk: low
            description: test
            max_partial_state: 30m
            phases:
              - name: expand
                kind: expand
                up: up.sql
                irreversible: true
              - name: switch
                kind: switch
                up: up.sql
                irreversible: true{entries}
            """);
        _scratch.Write($"{service}/migrations/{id}/up.sql", "SELECT 1;");
        return file;
    }

    private SluiceException Refused(string service)
    {
        var error = Assert.Throws<SluiceException>(() => ServicePlans.Load(_scratch.Path, service));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        return error;
    }

    [Fact]
    public void Format_an_entry_that_is_not_service_plan_at_phase_is_SLU300_at_its_line()
    {
        var file = Plan("billing", "0001_b", "shop/0001_s");
        var error = Refused("billing");
        Assert.Equal((ErrorCodes.BadRequirement, file, 16), (error.Code, error.File, error.Line));
        Assert.Contains("'shop/0001_s' is not service/plan_id@phase", error.Message);
    }

    [Fact]
    public void Row1_an_entry_naming_its_own_service_is_SLU305()
    {
        var file = Plan("billing", "0001_b", "billing/0001_b@expand");
        var error = Refused("billing");
        Assert.Equal((ErrorCodes.RequirementOwnService, file, 16), (error.Code, error.File, error.Line));
    }

    [Fact]
    public void Row2_an_unknown_service_is_SLU301_listing_the_services()
    {
        Plan("shop", "0001_s");
        var file = Plan("billing", "0001_b", "shipping/0001_s@switch");
        var error = Refused("billing");
        Assert.Equal((ErrorCodes.UnknownRequiredService, file, 16), (error.Code, error.File, error.Line));
        Assert.Contains("billing, shop", error.Remedy);
    }

    [Fact]
    public void Row3_an_unknown_plan_is_SLU302_listing_its_plans()
    {
        Plan("shop", "0001_s");
        var file = Plan("billing", "0001_b", "shop/0009_missing@switch");
        var error = Refused("billing");
        Assert.Equal((ErrorCodes.UnknownRequiredPlan, file, 16), (error.Code, error.File, error.Line));
        Assert.Contains("0001_s", error.Remedy);
    }

    [Fact]
    public void Row4_an_unknown_phase_is_SLU303_listing_its_phases()
    {
        Plan("shop", "0001_s");
        var file = Plan("billing", "0001_b", "shop/0001_s@contract");
        var error = Refused("billing");
        Assert.Equal((ErrorCodes.UnknownRequiredPhase, file, 16), (error.Code, error.File, error.Line));
        Assert.Contains("expand, switch", error.Remedy);
    }

    [Fact]
    public void Row5_a_known_phase_of_another_service_stands_and_is_read_onto_its_phase()
    {
        Plan("shop", "0001_s");
        Plan("billing", "0001_b", "shop/0001_s@switch");
        var plan = ServicePlans.Load(_scratch.Path, "billing").Plans.Single();
        Assert.Equal(["shop/0001_s@switch"], plan.Phase("switch").Requires.Select(r => r.Key));
        Assert.Empty(plan.Phase("expand").Requires);
    }

    [Fact]
    public void A_cycle_is_SLU304_naming_its_path()
    {
        // billing's switch needs shop's switch; shop's switch needs billing's switch: no order satisfies both.
        Plan("shop", "0001_s", "billing/0001_b@switch");
        Plan("billing", "0001_b", "shop/0001_s@switch");
        var error = Refused("billing");
        Assert.Equal(ErrorCodes.RequirementCycle, error.Code);
        Assert.Contains("billing/0001_b@switch → shop/0001_s@switch → billing/0001_b@switch", error.Message);
        Assert.Equal(16, error.Line);
    }

    [Fact]
    public void A_cycle_through_phase_order_is_found_too()
    {
        // billing's expand (plan-level: before its first phase) needs shop's switch, whose requirement is billing's
        // switch, which comes after billing's expand.
        Plan("shop", "0001_s", "billing/0001_b@switch");
        var file = _scratch.Write("billing/migrations/0001_b/plan.yaml", """
            id: 0001_b
            owner: team
            risk: low
            description: test
            max_partial_state: 30m
            requires: [shop/0001_s@switch]
            phases:
              - name: expand
                kind: expand
                up: up.sql
                irreversible: true
              - name: switch
                kind: switch
                up: up.sql
                irreversible: true
            """);
        _scratch.Write("billing/migrations/0001_b/up.sql", "SELECT 1;");
        var error = Refused("billing");
        Assert.Equal(ErrorCodes.RequirementCycle, error.Code);
        Assert.Contains("billing/0001_b@expand → shop/0001_s@switch → billing/0001_b@switch → billing/0001_b@expand", error.Message);
        Assert.Equal(file, error.File);
    }

    [Fact]
    public void The_repository_sample_billing_requires_shops_switch()
    {
        var all = ServicePlans.LoadAll(RepositoryFiles.Pipelines);
        Assert.Equal(["billing", "shop"], all.Select(s => s.Service));
        var billing = all[0].Plans.Single();
        Assert.Equal(["shop/0001_split_customer_name@read_split_name"], Requirement.Of(billing).Select(r => r.Key));
    }
}

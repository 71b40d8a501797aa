using Sluice.Errors;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Traffic;

namespace Sluice.Tests.Rehearsal;

/// <summary><see cref="PlanFidelity"/>'s rules, row by row, and the profile file's checks of a statement mix (SLU247).</summary>
public sealed class PlanFidelityRulesTests
{
    private static readonly IReadOnlyList<string> ByIndex = ["Index Scan using orders_reference_idx on public.orders"];
    private static readonly IReadOnlyList<string> BySeqScan = ["Seq Scan on public.orders"];

    private static StatementShape Shape(string id, IReadOnlyList<string>? plan) =>
        new(id, $"SELECT id FROM orders WHERE reference = $1 -- {id}", ["public.orders"], 10, 0.1, 10, 1, plan);

    private static Dictionary<string, (IReadOnlyList<string>? Shape, string? Error)> Rehearsed(params (string Id, IReadOnlyList<string>? Shape, string? Error)[] rows) =>
        rows.ToDictionary(r => r.Id, r => (r.Shape, r.Error));

    [Fact]
    public void Rule_1_a_statement_without_a_recorded_plan_is_not_compared()
    {
        var fidelity = PlanFidelity.Compare([Shape("a", null)], Rehearsed(("a", BySeqScan, null)));
        Assert.Equal(0, fidelity.Compared);
        Assert.Null(fidelity.Ratio);
    }

    [Fact]
    public void Rule_2_a_statement_that_does_not_plan_in_the_rehearsal_differs_with_the_servers_error()
    {
        var fidelity = PlanFidelity.Compare([Shape("a", ByIndex)], Rehearsed(("a", null, "column \"reference\" does not exist (42703)")));
        Assert.Contains("does not plan on the rehearsal's schema: column \"reference\" does not exist", Assert.Single(fidelity.Statements).Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_3_the_same_lines_are_the_same_plan()
    {
        var fidelity = PlanFidelity.Compare([Shape("a", ByIndex)], Rehearsed(("a", [.. ByIndex], null)));
        Assert.True(Assert.Single(fidelity.Statements).Same);
        Assert.Equal(1.0, fidelity.Ratio);
        Assert.True(fidelity.Met);
    }

    [Fact]
    public void Rule_4_and_5_different_lines_differ_and_an_index_only_production_uses_is_named()
    {
        var why = Assert.Single(PlanFidelity.Compare([Shape("a", ByIndex)], Rehearsed(("a", BySeqScan, null))).Statements).Why;
        Assert.Contains("production plans 'Index Scan using orders_reference_idx on public.orders', the rehearsal 'Seq Scan on public.orders'", why, StringComparison.Ordinal);
        Assert.Contains("production's plan uses orders_reference_idx", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_6_the_figure_is_same_over_compared_against_the_minimum()
    {
        var recorded = Enumerable.Range(0, 20).Select(i => Shape($"s{i}", ByIndex)).ToList();
        var rehearsed = Rehearsed([.. recorded.Select((s, i) => (s.Id, i == 0 ? BySeqScan : ByIndex, (string?)null))]);
        var fidelity = PlanFidelity.Compare(recorded, rehearsed);
        Assert.Equal(0.95, fidelity.Ratio);
        Assert.True(fidelity.Met);
        Assert.False(PlanFidelity.Compare(recorded, rehearsed, minimum: 0.96).Met);
    }

    [Fact]
    public void The_plan_shape_keeps_node_types_operations_indexes_and_relations_and_drops_costs()
    {
        var shape = PlanShape.FromExplainJson("""
            [{"Plan": {"Node Type": "ModifyTable", "Operation": "Update", "Relation Name": "orders", "Schema": "public", "Total Cost": 8.3,
              "Plans": [{"Node Type": "Index Scan", "Index Name": "orders_pkey", "Relation Name": "orders", "Schema": "public", "Plan Rows": 1,
                         "Index Cond": "(orders.id = $2)"}]}}]
            """);
        Assert.Equal(["ModifyTable (Update) on public.orders", "  Index Scan using orders_pkey on public.orders"], shape);
    }

    private const string Good = """
        {
          "version": 1,
          "source": "production",
          "takenAt": "2026-01-01T00:00:00+00:00",
          "tables": [],
          "statements": {
            "readable": true,
            "windowSeconds": 2,
            "windowFrom": "readings",
            "statements": [
              {
                "id": "42",
                "query": "SELECT id FROM orders WHERE reference = $1",
                "tables": ["public.orders"],
                "calls": 10,
                "meanMilliseconds": 0.1,
                "rows": 10,
                "callsPerSecond": 5
              }
            ]
          }
        }
        """;

    [Fact]
    public void A_valid_statement_mix_loads()
    {
        var mix = ProfileFile.FromJson(Good, "production.json").Statements!;
        Assert.Equal("SELECT id FROM orders WHERE reference = $1", Assert.Single(mix.Statements).Query);
    }

    [Theory]
    [InlineData("reference = $1\"", "reference = 'ref-17'\"", 13, "holds a quoted value")]
    [InlineData("\"calls\": 10", "\"calls\": -1", 13, "negative or non-finite")]
    [InlineData("\"windowSeconds\": 2", "\"windowSeconds\": 0", 8, "not a positive number of seconds")]
    [InlineData("\"windowFrom\": \"readings\"", "\"windowFrom\": \"guess\"", 9, "neither 'readings' nor 'stats_reset'")]
    [InlineData("\"readable\": true", "\"readable\": false", 6, "needs the reason")]
    [InlineData("\"rows\": 10,", "\"rows\": 10, \"params\": [\"ref-17\"],", 17, "params")]
    public void A_bad_statement_mix_is_an_error_naming_the_file_and_line(string from, string to, int line, string says)
    {
        var json = Good.Replace(from, to, StringComparison.Ordinal);
        var error = Assert.Throws<SluiceException>(() => ProfileFile.FromJson(json, "production.json"));
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        Assert.Equal("production.json", error.File);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void The_minimum_is_the_environments_gates_plan_fidelity_a_share_from_0_to_1()
    {
        Assert.Equal(PlanFidelity.DefaultMinimum, Sluice.Gates.GateSettings.Read(null).PlanFidelity);
        using var good = System.Text.Json.JsonDocument.Parse("""{ "plan_fidelity": 0.9 }""");
        Assert.Equal(0.9, Sluice.Gates.GateSettings.Read(good.RootElement).PlanFidelity);
        using var bad = System.Text.Json.JsonDocument.Parse("""{ "plan_fidelity": 95 }""");
        var error = Assert.Throws<SluiceException>(() => Sluice.Gates.GateSettings.Read(bad.RootElement, ".nuke/parameters.production.json", 4));
        Assert.Contains("gates.plan_fidelity is not a share from 0 to 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
    }
}

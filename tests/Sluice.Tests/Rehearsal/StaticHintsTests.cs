using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Hints;
using Sluice.Rehearsal.Runs;

namespace Sluice.Tests.Rehearsal;

public sealed class StaticHintsTests
{
    [Theory]
    [InlineData("CREATE INDEX items_name_idx ON items (name);", "index-not-concurrent")]
    [InlineData("CREATE UNIQUE INDEX IF NOT EXISTS i ON items (name);", "index-not-concurrent")]
    [InlineData("ALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid();", "volatile-default")]
    [InlineData("ALTER TABLE items ALTER COLUMN name SET NOT NULL;", "set-not-null")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT items_owner_fk FOREIGN KEY (owner_id) REFERENCES owners (id);", "constraint-not-valid")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT items_price_check CHECK (price >= 0);", "constraint-not-valid")]
    [InlineData("ALTER TABLE items ALTER COLUMN qty TYPE bigint;", "type-change")]
    [InlineData("ALTER TABLE items RENAME COLUMN qty TO quantity;", "rename")]
    [InlineData("ALTER TABLE items DROP COLUMN qty;", "drop-outside-contract")]
    public void A_risky_statement_is_named_with_its_file_line_and_recipe(string statement, string rule)
    {
        using var folder = new ScratchFolder();
        var plan = Plan(folder, "expand", $"-- first line is a comment\n{statement}\n", lockTimeout: true);

        var finding = Assert.Single(StaticHints.Check(plan));

        Assert.Equal((rule, FindingSeverity.Warning), (finding.Rule, finding.Severity));
        Assert.Equal((Path.Combine("p1", "up.sql"), 2), (finding.File, finding.Line));
        Assert.Equal(statement.TrimEnd(';'), finding.Statement);
        Assert.False(string.IsNullOrWhiteSpace(finding.Remedy));
    }

    [Theory]
    [InlineData("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON items (name);")]
    [InlineData("ALTER TABLE items ADD COLUMN IF NOT EXISTS note text;")]
    [InlineData("ALTER TABLE items ADD COLUMN created_at timestamptz DEFAULT now();")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT items_owner_fk FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID;")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT c CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE items VALIDATE CONSTRAINT c;\nALTER TABLE items ALTER COLUMN name SET NOT NULL;")]
    public void Safe_statements_give_no_hint(string sql)
    {
        using var folder = new ScratchFolder();
        Assert.Empty(StaticHints.Check(Plan(folder, "expand", sql, lockTimeout: true)));
    }

    [Fact]
    public void A_drop_in_a_contract_phase_is_fine_and_a_phase_without_lock_timeout_is_noted()
    {
        using var folder = new ScratchFolder();
        var finding = Assert.Single(StaticHints.Check(Plan(folder, "contract", "ALTER TABLE items DROP COLUMN IF EXISTS qty;", lockTimeout: false)));
        // The phase starts on line 12 of plan.yaml, after the expand phase the loader needs.
        Assert.Equal(("missing-lock-timeout", FindingSeverity.Info, 12), (finding.Rule, finding.Severity, finding.Line));
    }

    [Fact]
    public void The_sample_plan_has_no_hint_above_info()
    {
        Assert.DoesNotContain(StaticHints.Check(PlanLoader.Load(RepositoryFiles.SamplePlan)), f => f.Severity != FindingSeverity.Info);
    }

    private static MigrationPlan Plan(ScratchFolder folder, string kind, string up, bool lockTimeout)
    {
        // An expand first so a contract-only plan still loads.
        var expand = kind == "contract" ? "  - name: first\n    kind: expand\n    up: noop.sql\n    down: noop.sql\n    lock_timeout: 1s\n" : "";
        folder.Write("p1/noop.sql", "SELECT 1;\n");
        folder.Write("p1/up.sql", up);
        folder.Write("p1/down.sql", "SELECT 1;\n");
        folder.Write("p1/plan.yaml", $"""
            id: p1
            owner: team
            risk: low
            description: hints
            max_partial_state: 1h
            phases:
            {expand}  - name: change
                kind: {kind}
                up: up.sql
                down: down.sql
            {(lockTimeout ? "    lock_timeout: 1s\n" : "")}
            """);
        return PlanLoader.Load(Path.Combine(folder.Path, "p1"));
    }
}

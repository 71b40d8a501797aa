using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Runs;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>One fixture through the lint gate and through a real rehearsal: the same rule set gives the same findings.</summary>
public sealed class LintAgreementTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_lint_gate_and_the_rehearsal_report_the_same_rules_at_the_same_lines_and_the_rehearsal_judges_each_lock()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = FixtureRehearsal.Folder("lint-agree");
        var plans = ServicePlans.LoadMigrations(Path.Combine(folder, "migrations"));

        var gate = await new BuiltInPlanHints(environment: "staging").ReadAsync(plans, ct);
        var report = await FixtureRehearsal.RehearseAsync(postgres, folder, ct);

        var fromGate = gate.Select(h => $"{h.Code} {h.PlanId}/{h.File}:{h.Line}").Order(StringComparer.Ordinal).ToList();
        var fromRehearsal = report.Findings.Where(f => f.Seed is null && f.Code is not null).Select(f => $"{f.Code} {f.File}:{f.Line}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [$"{ErrorCodes.LintIndexBlocksWrites} 0001_balance_rules/up.sql:6", $"{ErrorCodes.LintConstraintValidates} 0001_balance_rules/up.sql:5", $"{ErrorCodes.LintSetNotNullScans} 0001_balance_rules/up.sql:7"],
            fromGate);
        Assert.Equal(fromGate, fromRehearsal);
        Assert.Equal(GateVerdict.Warn, (await new LintGate(new BuiltInPlanHints(environment: "staging")).EvaluateAsync(
            new GateContext("staging", EnvironmentSpec.LocalDefault, plans, DateTimeOffset.UtcNow), ct)).Verdict);

        // Every lock the rehearsal saw on accounts is judged where it was first taken, with the code of the rule that
        // names that statement: line 5 takes ACCESS EXCLUSIVE (held to the commit, so line 7's is the same lock), line 6 ShareLock.
        var judged = report.Findings.Where(f => f.Seed is not null && f.Rule is "blocks-writers" or "blocks-reads-and-writes").ToList();
        Assert.Equal([(5, ErrorCodes.LintConstraintValidates), (6, ErrorCodes.LintIndexBlocksWrites)],
            judged.Select(f => (f.Line ?? 0, f.Code)).Order().ToList());
        Assert.All(judged, f => Assert.Equal(FindingSeverity.Error, f.Severity));
        Assert.False(report.Passed);
        // The table the phase created is never blamed, though its index build took ShareLock on it.
        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("public.audit", StringComparison.Ordinal));
    }
}

using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Tests.Rehearsal;

public sealed class SeededRunsTests
{
    private static RehearsalFinding Error(string rule, string phase, int seed) =>
        new(FindingSeverity.Error, rule, $"{rule} under {seed}", Plan: "0001", Phase: phase, File: "0001/down.sql", Seed: seed);

    [Fact]
    public void Runs_that_agree_report_each_finding_once_with_the_first_seed()
    {
        var merged = SeededRuns.Merge([(3, [Error("not-reversible", "a", 3)]), (9, [Error("not-reversible", "a", 9)])]);

        var finding = Assert.Single(merged);
        Assert.Equal(3, finding.Seed);
    }

    [Fact]
    public void Runs_that_disagree_add_the_later_finding_with_its_seed_and_say_the_outcome_depends_on_the_workload()
    {
        var merged = SeededRuns.Merge([(3, []), (9, [Error("rollback-loses-writes", "b", 9)])]);

        Assert.Contains(merged, f => f.Rule == "rollback-loses-writes" && f.Seed == 9);
        var warning = Assert.Single(merged, f => f.Rule == "workload-dependent");
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Contains("under seed 3: no error; under seed 9: rollback-loses-writes in b", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0, 0.0, 1000, true)]      // n_distinct -1: unique
    [InlineData(-0.9, 0.1, 1000, true)]      // ANALYZE's -(1 - null_frac) for a unique column with NULLs
    [InlineData(1000.0, 0.0, 1000, true)]    // as many distinct values as rows
    [InlineData(-0.5, 0.0, 1000, false)]
    [InlineData(999.0, 0.0, 1000, false)]
    [InlineData(-1.0, 0.0, 1, false)]        // one row: nothing to keep apart
    public void A_column_is_all_distinct_when_the_profile_counts_a_value_per_non_null_row(double distinct, double nullFraction, long rows, bool expected)
    {
        var column = new ColumnProfile("code", "int4", -1, false, nullFraction, distinct, [], [], 4, null, false);
        Assert.Equal(expected, column.AllDistinct(rows));
    }
}

using Sluice.Canary;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Tests.Canary;

/// <summary>One test per row of the rule table in <see cref="VersionCompatibility"/>, on the sample plan (expand,
/// backfill, index, switch, contract) with <c>requires_phase: backfill_split_name</c>; the method name starts with the row.</summary>
public sealed class VersionCompatibilityRulesTests
{
    private static readonly MigrationPlan Plan = PlanLoader.Load(RepositoryFiles.SamplePlan);

    private static readonly CanaryDefinition Definition = new()
    {
        Steps = [new() { Weight = 100, Interval = TimeSpan.FromSeconds(1) }],
        RequiresPhase = "backfill_split_name",
    };

    /// <summary>The first <paramref name="done"/> phases done, then <paramref name="next"/> for the one after.</summary>
    private static Dictionary<string, JournalStatus> After(int done, JournalStatus? next = null)
    {
        var states = Plan.Phases.Take(done).ToDictionary(p => p.Name, _ => JournalStatus.Done);
        if (next is { } status) states[Plan.Phases[done].Name] = status;
        return states;
    }

    [Theory]
    [InlineData(JournalStatus.Done)]
    [InlineData(JournalStatus.Started)]
    [InlineData(JournalStatus.Failed)]
    public void V1_the_baseline_cannot_run_once_the_contract_has_touched_the_schema_and_the_contract_is_named(JournalStatus contract)
    {
        var support = VersionCompatibility.Check(ServiceVersion.Baseline, Definition, Plan, After(4, contract));
        Assert.Equal((false, 1, "drop_full_name"), (support.Runs, support.Rule, support.Phase));

        var refused = Assert.Throws<SluiceException>(() =>
            VersionCompatibility.Require(ServiceVersion.Baseline, Definition, Plan, After(4, contract), "route traffic back to v1"));
        Assert.Equal((ErrorCodes.VersionCannotRun, ErrorKind.Usage), (refused.Code, refused.Kind));
        Assert.Contains("revert phase 'drop_full_name' first", refused.Remedy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void V2_the_baseline_runs_while_the_contract_is_pending(int done)
    {
        var support = VersionCompatibility.Check(ServiceVersion.Baseline, Definition, Plan, After(done));
        Assert.Equal((true, 2), (support.Runs, support.Rule));
        VersionCompatibility.Require(ServiceVersion.Baseline, Definition, Plan, After(done), "keep v1");
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(1, JournalStatus.Started)]
    public void V3_the_canary_cannot_run_before_requires_phase_is_done_and_that_phase_is_named(int done, JournalStatus? next)
    {
        var support = VersionCompatibility.Check(ServiceVersion.Canary, Definition, Plan, After(done, next));
        Assert.Equal((false, 3, "backfill_split_name"), (support.Runs, support.Rule, support.Phase));
        var refused = Assert.Throws<SluiceException>(() =>
            VersionCompatibility.Require(ServiceVersion.Canary, Definition, Plan, After(done, next), "route traffic to v2"));
        Assert.Contains("apply phase 'backfill_split_name' first", refused.Remedy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void V4_the_canary_runs_once_requires_phase_is_done(int done)
    {
        var support = VersionCompatibility.Check(ServiceVersion.Canary, Definition, Plan, After(done));
        Assert.Equal((true, 4), (support.Runs, support.Rule));
    }

    [Fact]
    public void The_contract_that_matters_is_the_first_after_requires_phase()
    {
        Assert.Equal("drop_full_name", VersionCompatibility.Contract(Definition, Plan)?.Name);
        Assert.Equal("drop_full_name", VersionCompatibility.Contract(Definition with { RequiresPhase = null }, Plan)?.Name);
    }
}

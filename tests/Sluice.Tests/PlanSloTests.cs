using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary>The plan's <c>slo:</c> block is read strictly: every bad value and every contradiction with a phase is
/// refused with its code, the file, the line and a remedy, before anything runs.</summary>
public sealed class PlanSloTests
{
    private const string Sample = "0001_split_customer_name";

    [Fact]
    public void A_stated_slo_is_read_with_its_three_bounds()
    {
        var plan = LoadWithSlo("slo:\n  longest_lock_hold: 250ms\n  writer_p99_increase: 2x\n  longest_write_block: 1s\n");

        Assert.Equal(new PlanSlo(TimeSpan.FromMilliseconds(250), 2.0, TimeSpan.FromSeconds(1), 10), plan.Slo);
        Assert.Null(PlanLoader.Load(RepositoryFiles.SamplePlan).Slo);
    }

    [Theory]
    [InlineData("slo:\n  longest_lock_hold: 250\n", ErrorCodes.BadDuration, 10, "'250', not a duration")]
    [InlineData("slo:\n  longest_lock_hold: 0ms\n", ErrorCodes.BadSlo, 10, "is zero")]
    [InlineData("slo:\n  writer_p99_increase: 0.5x\n", ErrorCodes.BadSlo, 10, "'0.5x'")]
    [InlineData("slo:\n  writer_p99_increase: twice\n", ErrorCodes.BadSlo, 10, "'twice'")]
    [InlineData("slo:\n  longest_lock_holds: 250ms\n", ErrorCodes.UnknownKey, 10, "unknown key 'longest_lock_holds'")]
    [InlineData("slo:\n  {}\n", ErrorCodes.BadSlo, 10, "states no bound")]
    [InlineData("slo: fast\n", ErrorCodes.NotYaml, 9, "must be a mapping")]
    // With the two-line block in, the sample's backfill (aiming at 200 ms batches) starts at line 20, and its first
    // phase (waiting up to 1 s for locks) at line 12.
    [InlineData("slo:\n  longest_lock_hold: 150ms\n", ErrorCodes.BadSlo, 20, "aims at 200ms batches, above the slo's longest_lock_hold of 150ms")]
    [InlineData("slo:\n  longest_write_block: 500ms\n", ErrorCodes.BadSlo, 12, "waits up to 1s for its locks")]
    public void A_bad_slo_is_refused_with_its_code_and_line(string block, string code, int line, string mentions)
    {
        var error = Assert.Throws<SluiceException>(() => LoadWithSlo(block));

        Assert.Equal((ErrorKind.Usage, code, line), (error.Kind, error.Code, error.Line));
        Assert.EndsWith("plan.yaml", error.File);
        Assert.Contains(mentions, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Remedy));
    }

    /// <summary>The sample plan with <paramref name="block"/> inserted before its phases (from line 9).</summary>
    private static MigrationPlan LoadWithSlo(string block)
    {
        using var scratch = new ScratchFolder();
        var folder = Path.Combine(scratch.Path, Sample);
        PlanLoaderTests.CopyFolder(RepositoryFiles.SamplePlan, folder);
        var plan = Path.Combine(folder, "plan.yaml");
        var yaml = File.ReadAllText(plan);
        File.WriteAllText(plan, yaml.Replace("phases:\n", block + "phases:\n", StringComparison.Ordinal));
        return PlanLoader.Load(folder);
    }
}

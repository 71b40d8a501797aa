using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

public sealed class ByteSizesTests
{
    [Theory]
    [InlineData("4MB", 4L << 20)]
    [InlineData("512kB", 512L << 10)]
    [InlineData("1GB", 1L << 30)]
    [InlineData("4096", 4096L)]
    [InlineData("10 B", 10L)]
    public void Sizes_read_with_postgres_units(string text, long bytes)
    {
        Assert.True(ByteSizes.TryParse(text, out var read));
        Assert.Equal(bytes, read);
    }

    [Theory]
    [InlineData("4 megabytes")]
    [InlineData("4mb")]
    [InlineData("-1")]
    [InlineData("99999999999GB")]
    [InlineData("")]
    public void Anything_else_is_not_a_size(string text) => Assert.False(ByteSizes.TryParse(text, out _));

    [Fact]
    public void A_bad_byte_budget_in_a_plan_is_refused_at_its_line()
    {
        using var scratch = new ScratchFolder();
        var folder = Path.Combine(scratch.Path, "0001_split_customer_name");
        PlanLoaderTests.CopyFolder(RepositoryFiles.SamplePlan, folder);
        var plan = Path.Combine(folder, "plan.yaml");
        File.WriteAllText(plan, File.ReadAllText(plan).Replace("throttle_pause: 1s\n", "throttle_pause: 1s\n      max_batch_bytes: lots\n", StringComparison.Ordinal));

        var error = Assert.Throws<SluiceException>(() => PlanLoader.Load(folder));

        Assert.Equal((ErrorCodes.BadBackfill, 34), (error.Code, error.Line));
        Assert.Contains("'lots', not a size", error.Message);
        Assert.Equal(1L << 20, PlanLoaderWith(scratch, "1MB").MaxBatchBytes);
    }

    [Theory]
    [InlineData("0.5%", 0.005)]
    [InlineData("100%", 1.0)]
    public void A_locked_share_reads_as_a_percentage(string text, double share)
    {
        using var scratch = new ScratchFolder();
        Assert.Equal(share, PlanLoaderWith(scratch, $"max_locked_share: {text}", "share").MaxLockedShare, 9);
        Assert.Equal(Sluice.Migrations.Backfill.BatchSizer.DefaultMaxLockedShare, PlanLoaderWith(scratch, "max_batch_bytes: 1MB", "other").MaxLockedShare);
    }

    [Theory]
    [InlineData("0.3")]
    [InlineData("0%")]
    [InlineData("150%")]
    public void A_bad_locked_share_is_refused_at_its_line(string text)
    {
        using var scratch = new ScratchFolder();
        var error = Assert.Throws<SluiceException>(() => PlanLoaderWith(scratch, $"max_locked_share: '{text}'", "share"));
        Assert.Equal((ErrorCodes.BadBackfill, 34), (error.Code, error.Line));
        Assert.Contains($"'{text}', not a percentage", error.Message);
    }

    private static BackfillSpec PlanLoaderWith(ScratchFolder scratch, string budget) => PlanLoaderWith(scratch, $"max_batch_bytes: {budget}", "budget");

    private static BackfillSpec PlanLoaderWith(ScratchFolder scratch, string setting, string name)
    {
        var folder = Path.Combine(scratch.Path, name, "0001_split_customer_name");
        PlanLoaderTests.CopyFolder(RepositoryFiles.SamplePlan, folder);
        var plan = Path.Combine(folder, "plan.yaml");
        File.WriteAllText(plan, File.ReadAllText(plan).Replace("throttle_pause: 1s\n", $"throttle_pause: 1s\n      {setting}\n", StringComparison.Ordinal));
        return Assert.IsType<BackfillPhase>(PlanLoader.Load(folder).Phase("backfill_split_name")).Backfill;
    }
}

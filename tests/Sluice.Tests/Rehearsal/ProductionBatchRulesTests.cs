using Sluice.Rehearsal.Slo;

namespace Sluice.Tests.Rehearsal;

/// <summary>The rows of <see cref="ProductionBatch"/>'s table: how the rehearsal's batches are carried to production's.</summary>
public sealed class ProductionBatchRulesTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static readonly TimeSpan Target = Ms(200);

    [Fact]
    public void B1_the_probe_gives_the_fixed_cost_and_the_longest_batch_the_cost_per_row()
    {
        // 100 rows in 12 ms, 5100 rows in 112 ms (the longest): 12 ms fixed and 20 µs a row; the same size here and there.
        var batch = ProductionBatch.Predict([new(100, Ms(12)), new(5100, Ms(100)), new(5100, Ms(112))], 10_300, null, Target, 100, 50_000)!;
        Assert.Contains("fixed 12 ms and 20 µs a row", batch.Basis, StringComparison.Ordinal);
        Assert.Equal(Ms(112), batch.MeasuredLongest);
        // B3: (200 - 12) / 0.02 = 9400 rows, within 100 to the table's 10 300.
        Assert.Equal(9400, batch.Rows);
        Assert.Equal(200, batch.Hold.TotalMilliseconds, 3);
    }

    [Fact]
    public void B1_with_one_batch_size_only_its_time_is_both_fixed_and_per_row()
    {
        var batch = ProductionBatch.Predict([new(50, Ms(10))], 50, null, Target, 100, 50_000)!;
        Assert.Contains("one batch size only (50 rows in 10 ms): fixed 10 ms and 200 µs a row", batch.Basis, StringComparison.Ordinal);
        // Within [100, 100]: the table's 50 rows are below min_batch_size, which then bounds both ends.
        Assert.Equal(100, batch.Rows);
        Assert.Equal(30, batch.Hold.TotalMilliseconds, 3);
    }

    [Fact]
    public void B2_indexes_grow_with_the_log_of_the_tables_rows()
    {
        // 10 000 rows here, 100 000 000 profiled: ln 1e8 / ln 1e4 = 2.
        var batch = ProductionBatch.Predict([new(100, Ms(1)), new(9900, Ms(99))], 10_000, 100_000_000, Target, 100, 50_000)!;
        Assert.Contains("B2: indexes 2x deeper", batch.Basis, StringComparison.Ordinal);
        // 1 ms fixed and 10 µs a row, doubled: 2 x (1 + 0.01 s) = 200 ms at s = 9900.
        Assert.Equal(9900, batch.Rows);
        Assert.Equal(200, batch.Hold.TotalMilliseconds, 3);
        // No deeper when the profile holds no more rows than here.
        Assert.Contains("B2: indexes 1x deeper", ProductionBatch.Predict([new(100, Ms(1)), new(9900, Ms(99))], 10_000, 10_000, Target, 100, 50_000)!.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void B3_a_fixed_cost_above_the_target_leaves_production_at_the_smallest_batch()
    {
        // Every batch sleeps 300 ms: the sizer shrinks to min_batch_size, which still holds its locks 300 ms and more.
        var batch = ProductionBatch.Predict([new(100, Ms(300)), new(5000, Ms(349))], 20_000, 20_000, Ms(50), 100, 5000)!;
        Assert.Equal(100, batch.Rows);
        Assert.Equal(301, batch.Hold.TotalMilliseconds, 3);
    }

    [Fact]
    public void B3_a_cheap_batch_is_capped_by_max_batch_size()
    {
        var batch = ProductionBatch.Predict([new(100, Ms(1)), new(5100, Ms(6))], 20_000, 20_000, Target, 100, 5000)!;
        Assert.Equal(5000, batch.Rows);
        Assert.Equal(6, batch.Hold.TotalMilliseconds, 3);
    }

    [Fact]
    public void B4_no_batch_with_a_key_predicts_nothing()
    {
        Assert.Null(ProductionBatch.Predict([], 0, 1000, Target, 100, 5000));
    }
}

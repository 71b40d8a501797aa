using Sluice.Rehearsal.Predictions;

namespace Sluice.Tests.Rehearsal;

/// <summary>The rows of <see cref="DurationPredictor"/>'s table, one test each, and a phase as their sum.</summary>
public sealed class DurationPredictorRulesTests
{
    // Orders were generated at a tenth of production, customers whole (a parent its children need), audit not at all.
    private static readonly DurationPredictor Predictor = new(new Dictionary<string, TableRows>(StringComparer.Ordinal)
    {
        ["public.orders"] = new("public.orders", 1_000_000, 100_000),
        ["public.customers"] = new("public.customers", 5_000, 5_000),
        ["public.audit"] = new("public.audit", 40_000, 0),
    }, scale: 0.1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Rule1_catalog_work_is_predicted_as_measured_whatever_the_tables_size()
    {
        var prediction = Predictor.Predict([new MeasuredWork("ALTER TABLE orders ADD COLUMN note text", Ms(3), ["public.orders"], Data: false)]);
        Assert.Equal(Ms(3), prediction.Predicted);
        Assert.Contains("rule 1", Assert.Single(prediction.Basis), StringComparison.Ordinal);
    }

    [Fact]
    public void Rule2_data_work_grows_with_its_own_tables_ratio_not_the_runs_scale()
    {
        Assert.Equal(Ms(1_000), Predictor.Predict([new MeasuredWork("batches", Ms(100), ["public.orders"], Data: true)]).Predicted);
        var customers = Predictor.Predict([new MeasuredWork("UPDATE customers", Ms(100), ["public.customers"], Data: true)]);
        Assert.Equal(Ms(100), customers.Predicted);
        Assert.Contains("rule 2: public.customers 5000 rows here, 5000 profiled", customers.Basis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Rule2_a_statement_on_several_tables_takes_the_largest_ratio()
    {
        var join = Predictor.Predict([new MeasuredWork("UPDATE orders FROM customers", Ms(50), ["public.customers", "public.orders"], Data: true)]);
        Assert.Equal(Ms(500), join.Predicted);
        Assert.Contains("public.orders", join.Basis[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public.audit")]   // profiled, left empty here
    [InlineData("public.unknown")] // not in the profile
    public void Rule3_data_work_on_a_table_without_a_ratio_falls_back_to_the_runs_scale(string table)
    {
        var prediction = Predictor.Predict([new MeasuredWork("UPDATE", Ms(20), [table], Data: true)]);
        Assert.Equal(Ms(200), prediction.Predicted);
        Assert.Contains("rule 3", prediction.Basis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Rule3_data_work_on_no_known_table_falls_back_to_the_runs_scale()
    {
        Assert.Equal(Ms(200), Predictor.Predict([new MeasuredWork("CREATE INDEX CONCURRENTLY", Ms(20), [], Data: true)]).Predicted);
    }

    [Fact]
    public void A_phase_is_the_sum_of_its_pieces_each_by_its_own_rule()
    {
        var phase = Predictor.Predict([
            new MeasuredWork("ALTER TABLE", Ms(2), ["public.orders"], Data: false),
            new MeasuredWork("CREATE INDEX", Ms(30), ["public.orders"], Data: true),
            new MeasuredWork("executor", Ms(5), [], Data: false),
        ]);
        Assert.Equal(Ms(2 + 300 + 5), phase.Predicted);
        Assert.Equal(3, phase.Basis.Count);
    }
}

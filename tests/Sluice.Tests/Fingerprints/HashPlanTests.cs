using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

public sealed class HashPlanTests
{
    private static SourceShape Shape(params ColumnInfo[] columns) => new(columns, ["id"]);

    [Fact]
    public void Both_sides_share_the_columns_they_both_have_in_the_source_order()
    {
        var plan = HashPlan.Common(
            Shape(new("id", "bigint", true, "h8"), new("name", "text", true, "ht"), new("gone", "text", true, "ht")),
            Shape(new("name", "text", true, "ht"), new("id", "bigint", true, "h8"), new("added", "date", true)));

        Assert.Equal(["id", "name"], plan.Columns.Select(c => c.Name));
        Assert.Equal(["h8", "ht"], plan.Columns.Select(c => c.Hasher));
    }

    [Fact]
    public void A_column_is_hashed_directly_only_when_both_sides_name_the_same_function()
    {
        // int on one side and bigint on the other: each side could hash its own values directly, but with different
        // functions; through the record both sides agree.
        var plan = HashPlan.Common(Shape(new ColumnInfo("n", "integer", true, "h4")), Shape(new ColumnInfo("n", "bigint", true, "h8")));

        Assert.True(plan.Columns.Single().Hashable);
        Assert.Null(plan.Columns.Single().Hasher);
    }

    [Fact]
    public void A_column_either_side_cannot_hash_goes_through_its_text()
    {
        var plan = HashPlan.Common(Shape(new ColumnInfo("v", "json", false)), Shape(new ColumnInfo("v", "jsonb", true, "hj")));

        Assert.False(plan.Columns.Single().Hashable);
        Assert.Null(plan.Columns.Single().Hasher);
    }
}

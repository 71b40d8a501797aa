using Sluice.Errors;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Synthetic;

namespace Sluice.Tests.Rehearsal;

public sealed class SyntheticShapeTests
{
    [Fact]
    public void Children_follow_the_shape_and_every_child_has_a_parent()
    {
        // 50% of parents have no child, 30% one, 20% five.
        ChildCount[] shape = [new(0, 500), new(1, 300), new(5, 200)];
        var parentOf = ChildAllocation.Allocate(shape, 1000, 1300, new Random(1));

        Assert.Equal(1300, parentOf.Length);
        Assert.All(parentOf, p => Assert.InRange(p, 0, 999));
        var perParent = parentOf.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(500, 1000 - perParent.Count);
        Assert.Equal(300, perParent.Values.Count(c => c == 1));
        Assert.Equal(200, perParent.Values.Count(c => c == 5));
    }

    [Fact]
    public void Allocation_is_the_same_for_the_same_seed_and_fits_a_scaled_total()
    {
        ChildCount[] shape = [new(1, 10), new(3, 10)];
        Assert.Equal(ChildAllocation.Allocate(shape, 77, 150, new Random(5)), ChildAllocation.Allocate(shape, 77, 150, new Random(5)));
        Assert.Equal(150, ChildAllocation.Allocate(shape, 77, 150, new Random(5)).Length);
    }

    [Fact]
    public void Parents_come_before_children_and_a_cycle_is_named()
    {
        var orders = Table("orders", Fk("orders_customer", "customers"));
        var customers = Table("customers");
        var lines = Table("lines", Fk("lines_order", "orders"), Fk("lines_self", "lines"));
        var levels = TableOrder.Levels([lines, orders, customers]);
        Assert.Equal(["public.customers", "public.orders", "public.lines"], levels.SelectMany(l => l).Select(t => t.QualifiedName));

        var a = Table("a", Fk("a_b", "b"));
        var b = Table("b", Fk("b_a", "a"));
        var error = Assert.Throws<SluiceException>(() => TableOrder.Levels([a, b]));
        Assert.Equal(ErrorCodes.Unsupported, error.Code);
        Assert.Contains("public.a, public.b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sensitive_values_become_ordered_tokens_with_their_frequencies()
    {
        var column = new ColumnProfile("email", "text", -1, true, 0, -1,
            [new("b@x.com", 0.3), new("a@x.com", 0.2)], ["c@x.com", "d@x.com"], 12, 0.1, false);
        var masked = SensitiveMask.Apply("customers", column);

        Assert.True(masked.Sensitive);
        Assert.Equal([0.3, 0.2], masked.MostCommon.Select(m => m.Frequency));
        Assert.Equal(["customers.email:000001", "customers.email:000000"], masked.MostCommon.Select(m => m.Value));
        Assert.Equal(["customers.email:000002", "customers.email:000003"], masked.HistogramBounds);
        Assert.DoesNotContain("@x.com", ProfileFile.ToJson(new DataProfile(1, "t", DateTimeOffset.UnixEpoch,
            [new TableProfile("public", "customers", 10, [masked], [], [], [], [])])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_round_trips_through_json_and_a_bad_file_is_SLU060()
    {
        var profile = new DataProfile(1, "prod", DateTimeOffset.UnixEpoch, [Table("orders", Fk("orders_customer", "customers"))]);
        Assert.Equal(ProfileFile.ToJson(profile), ProfileFile.ToJson(ProfileFile.FromJson(ProfileFile.ToJson(profile), "p.json")));
        Assert.Equal("SLU060", Assert.Throws<SluiceException>(() => ProfileFile.FromJson("{ not json", "p.json")).Code);
    }

    [Fact]
    public async Task Sensitive_columns_are_read_from_the_service_config()
    {
        using var folder = new ScratchFolder();
        folder.Write("shop/sluice.yaml", "sensitive_columns: [customers.email, billing.cards.number]\n");
        var sensitive = await SensitiveColumns.LoadAsync(Path.Combine(folder.Path, "shop"), TestContext.Current.CancellationToken);
        Assert.True(sensitive.Contains("public", "customers", "email"));
        Assert.True(sensitive.Contains("billing", "cards", "number"));
        Assert.False(sensitive.Contains("public", "customers", "id"));

        folder.Write("bad/sluice.yaml", "sensitive_columns: email\n");
        var error = await Assert.ThrowsAsync<SluiceException>(() => SensitiveColumns.LoadAsync(Path.Combine(folder.Path, "bad"), TestContext.Current.CancellationToken));
        Assert.Equal(("SLU063", 1), (error.Code, error.Line));
    }

    private static TableProfile Table(string name, params ForeignKeyProfile[] keys) =>
        new("public", name, 10, [new ColumnProfile("id", "int8", -1, true, 0, -1, [], [], 8, 1, false)], ["id"], [], [], keys);

    private static ForeignKeyProfile Fk(string name, string parent) => new(name, [$"{parent}_id"], "public", parent, ["id"], [new(1, 10)]);
}

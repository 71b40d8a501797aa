using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

public sealed class SchemaDiffTests
{
    private static readonly SchemaObject[] Base =
    [
        new("table", "customers", "logged"),
        new("column", "customers.id", "bigint not null"),
        new("column", "orders.status", "text not null"),
        new("default", "orders.status", "'new'::text"),
        new("index", "orders_created_idx", "CREATE INDEX orders_created_idx ON public.orders USING btree (created_at)"),
    ];

    [Fact]
    public void The_hash_is_stable_whatever_order_objects_are_read_in()
    {
        var forward = new SchemaFingerprint(Base);
        var backward = new SchemaFingerprint([.. Base.Reverse()]);

        Assert.Equal(forward.Hash, backward.Hash);
        Assert.Matches("^[0-9a-f]{64}$", forward.Hash);
        Assert.Empty(SchemaDiff.Compare(forward, backward));
    }

    [Fact]
    public void Changes_read_as_sentences()
    {
        var after = new SchemaFingerprint(
        [
            .. Base.Where(o => o.Kind is not ("index" or "default") && o.Name != "customers.id"),
            new("column", "customers.first_name", "text"),
            new("default", "orders.status", "'open'::text"),
            new("column", "customers.id", "integer not null"),
        ]);

        var changes = SchemaDiff.Compare(new SchemaFingerprint(Base), after).Select(c => c.ToString()).ToList();

        Assert.Equal(
        [
            "column customers.first_name: added",
            "column customers.id: bigint not null -> integer not null",
            "default of orders.status: 'new' -> 'open'",
            "index orders_created_idx: dropped",
        ], changes);
    }

    [Fact]
    public void An_added_default_shows_its_value_and_only_a_literal_loses_its_cast()
    {
        var before = new SchemaFingerprint([new("column", "t.c", "int")]);
        var after = new SchemaFingerprint([new("column", "t.c", "int"), new("default", "t.c", "nextval('t_c_seq'::regclass)"), new("default", "t.d", "'it''s'::text")]);

        Assert.Equal(["default of t.c: added nextval('t_c_seq'::regclass)", "default of t.d: added 'it''s'"],
            SchemaDiff.Compare(before, after).Select(c => c.ToString()));
    }
}

using Sluice.Rehearsal.Hints;

namespace Sluice.Tests.Rehearsal;

/// <summary>One row per rule of <see cref="LockRemedies"/>.</summary>
public sealed class LockRemediesTests
{
    [Theory]
    [InlineData("R1", "ALTER TABLE items ALTER COLUMN qty TYPE bigint")]
    [InlineData("R1", "ALTER TABLE items ALTER COLUMN qty SET DATA TYPE bigint USING qty::bigint")]
    [InlineData("R2", "REINDEX INDEX items_name_idx")]
    [InlineData("R2", "REINDEX TABLE items")]
    [InlineData("R3", "VACUUM FULL items")]
    [InlineData("R3", "VACUUM (FULL, VERBOSE) items")]
    [InlineData("R4", "CLUSTER items USING items_pkey")]
    [InlineData("R5", "ALTER TABLE tags ADD PRIMARY KEY (code)")]
    [InlineData("R5", "ALTER TABLE tags ADD CONSTRAINT tags_code_key UNIQUE (code)")]
    [InlineData("R6", "CREATE INDEX items_name_idx ON items (name)")]
    [InlineData("R6", "-- why\nCREATE UNIQUE INDEX IF NOT EXISTS items_name_idx ON items (name)")]
    [InlineData("R7", "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)")]
    [InlineData("R7", "ALTER TABLE items ADD CHECK (qty >= 0)")]
    [InlineData("R8", "ALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid()")]
    [InlineData("R9", "ALTER TABLE items ALTER COLUMN qty SET NOT NULL")]
    [InlineData("R10", "LOCK TABLE items IN ACCESS EXCLUSIVE MODE")]
    [InlineData("R10", "REINDEX INDEX CONCURRENTLY items_name_idx")]
    [InlineData("R10", "ALTER TABLE tags ADD CONSTRAINT tags_pkey PRIMARY KEY USING INDEX tags_code_idx")]
    public void Each_statement_gets_the_remedy_of_its_row(string rule, string statement)
    {
        Assert.Equal(rule, LockRemedies.For(statement).Id);
    }

    [Fact]
    public void Every_row_of_the_table_has_a_distinct_remedy_and_the_last_matches_anything()
    {
        Assert.Equal(LockRemedies.Rules.Count, LockRemedies.Rules.Select(r => r.Remedy).Distinct().Count());
        Assert.Equal("R10", LockRemedies.Rules[^1].Id);
        Assert.Contains("REINDEX ... CONCURRENTLY", LockRemedies.ById("R2").Remedy, StringComparison.Ordinal);
        Assert.Contains("pg_repack", LockRemedies.ById("R3").Remedy, StringComparison.Ordinal);
        Assert.Contains("backfill", LockRemedies.ById("R1").Remedy, StringComparison.Ordinal);
    }
}

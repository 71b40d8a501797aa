using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary><see cref="StatementTargets.WritesTo"/> on statements as <c>pg_stat_statements</c> shows them (constants
/// as <c>$n</c>): which of the server's statements are writes on the backfill's table.</summary>
public sealed class StatementWritesToTests
{
    [Theory]
    [InlineData("UPDATE customers SET full_name = $1 WHERE id = $2", "customers", true)]
    [InlineData("update public.Customers c set email = $1 where c.id = $2", "customers", true)]
    [InlineData("INSERT INTO customers (full_name, email) VALUES ($1, $2)", "public.customers", true)]
    [InlineData("DELETE FROM ONLY customers WHERE id = $1", "customers", true)]
    [InlineData("MERGE INTO customers t USING (SELECT $1::bigint AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET email = $2", "customers", true)]
    [InlineData("WITH moved AS (SELECT id FROM orders WHERE id = $1) UPDATE customers SET email = $2 FROM moved WHERE customers.id = moved.id", "customers", true)]
    [InlineData("/* app */ UPDATE customers SET email = $1 WHERE id = $2", "customers", true)]
    [InlineData("UPDATE app.customers SET email = $1", "customers", true)]       // unqualified in the plan: the search_path decides
    [InlineData("UPDATE customers SET email = $1", "app.customers", true)]
    [InlineData("UPDATE billing.customers SET email = $1", "app.customers", false)]
    [InlineData("SELECT * FROM customers WHERE id = $1", "customers", false)]      // a read waits on no row lock
    [InlineData("UPDATE orders SET status = $1 WHERE customer_id = $2", "customers", false)]
    [InlineData("INSERT INTO customers_archive SELECT * FROM customers", "customers", false)]
    [InlineData("UPDATE \"Customers\" SET email = $1", "customers", false)]      // a quoted name keeps its case
    [InlineData("ALTER TABLE customers ADD COLUMN x int", "customers", false)]
    public void A_write_is_an_insert_update_delete_or_merge_on_the_table(string statement, string table, bool writes) =>
        Assert.Equal(writes, StatementTargets.WritesTo(statement, table));

    [Fact]
    public void A_merge_is_a_target_of_its_own()
    {
        var target = Assert.Single(StatementTargets.Of("MERGE INTO shop.customers AS t USING staged s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)"));
        Assert.Equal(new StatementTarget(TargetAction.Merge, "shop.customers"), target);
    }
}

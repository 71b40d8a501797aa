using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary>The rules of <see cref="DataChanges"/> and <see cref="StatementTargets"/>, row by row.</summary>
public sealed class DataChangesTests
{
    private static PlanScript Script(string name, string sql) => new(name, name, sql);

    private static ScriptPhase Phase(string name, PhaseKind kind, string up, string? down) =>
        new(name, kind, Script($"{name}.up.sql", up), down is null ? null : Script($"{name}.down.sql", down), down is null, null,
            MigrationPhase.DefaultLockTimeout, null, MigrationPhase.DefaultRetries, true, null, 1);

    private static MigrationPlan Plan(params MigrationPhase[] phases) =>
        new("p", "o", MigrationRisk.Low, "d", TimeSpan.FromHours(1), phases, "/p", "/p/plan.yaml", "h");

    private static DataChange Single(string up, string? down = "SELECT 1;") => Assert.Single(DataChanges.Of(Plan(Phase("c", PhaseKind.Contract, up, down))));

    [Fact]
    public void Targets_are_read_from_each_statement_with_its_line_and_normalised_names()
    {
        var statements = StatementTargets.Read(Script("x.sql", """
            -- a comment naming DROP TABLE orders
            ALTER TABLE ONLY public.Customers DROP COLUMN IF EXISTS full_name CASCADE, ADD COLUMN "Nick" text, ALTER COLUMN qty TYPE numeric(10,2) USING qty::numeric;
            UPDATE app."Odd" AS o SET a = 1, (b, c) = (SELECT 2, 3 FROM t WHERE x) WHERE id > 0;
            DO $$ BEGIN DELETE FROM orders; END $$;
            TRUNCATE TABLE a, public.b;
            CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON customers (last_name);
            """));
        Assert.Equal([2, 3, 4, 5, 6], statements.Select(s => s.Line));
        Assert.Equal(
            [new(TargetAction.DropColumn, "customers", "full_name"), new(TargetAction.AddColumn, "customers", "Nick"),
             new StatementTarget(TargetAction.AlterColumnType, "customers", "qty", "numeric(10,2)")],
            statements[0].Targets);
        Assert.Equal([new(TargetAction.Update, "app.Odd", "a"), new(TargetAction.Update, "app.Odd", "b"), new StatementTarget(TargetAction.Update, "app.Odd", "c")],
            statements[1].Targets);
        Assert.Empty(statements[2].Targets);
        Assert.Equal([new(TargetAction.Truncate, "a"), new StatementTarget(TargetAction.Truncate, "b")], statements[3].Targets);
        Assert.Equal([new StatementTarget(TargetAction.Other, "customers")], statements[4].Targets);
    }

    // Rule 1: DROP TABLE is restored only by CREATE TABLE and INSERT.
    [Fact]
    public void Rule_1_drop_table()
    {
        Assert.False(DataChanges.RestoredByDown(Single("DROP TABLE IF EXISTS orders;", "CREATE TABLE orders (id int);")));
        Assert.True(DataChanges.RestoredByDown(Single("DROP TABLE orders;", "CREATE TABLE orders (id int); INSERT INTO orders SELECT * FROM orders_archive;")));
    }

    // Rule 2: TRUNCATE and DELETE are restored by an INSERT.
    [Fact]
    public void Rule_2_truncate_and_delete()
    {
        Assert.Equal("TRUNCATE orders", Single("TRUNCATE orders;").What);
        Assert.False(DataChanges.RestoredByDown(Single("DELETE FROM orders WHERE status = 'cancelled';")));
        Assert.True(DataChanges.RestoredByDown(Single("DELETE FROM orders WHERE status = 'cancelled';", "INSERT INTO orders SELECT * FROM orders_cancelled;")));
    }

    // Rule 3: DROP COLUMN needs ADD COLUMN and a repopulating UPDATE (or INSERT); a bare ADD COLUMN is not enough.
    [Fact]
    public void Rule_3_drop_column()
    {
        var bare = Single("ALTER TABLE customers DROP COLUMN full_name;", "ALTER TABLE customers ADD COLUMN full_name text;");
        Assert.Equal("DROP COLUMN customers.full_name", bare.What);
        Assert.False(DataChanges.RestoredByDown(bare));
        Assert.False(DataChanges.RestoredByDown(Single("ALTER TABLE customers DROP COLUMN full_name;", "UPDATE customers SET full_name = 'x';")));
        Assert.True(DataChanges.RestoredByDown(Single("ALTER TABLE customers DROP COLUMN full_name;",
            "ALTER TABLE customers ADD COLUMN IF NOT EXISTS full_name text; UPDATE customers SET full_name = concat_ws(' ', first_name, last_name);")));
    }

    // Rule 4: a type that may narrow is destructive; a widening one is not.
    [Fact]
    public void Rule_4_alter_column_type()
    {
        Assert.False(DataChanges.RestoredByDown(Single("ALTER TABLE items ALTER COLUMN qty TYPE smallint;", "ALTER TABLE items ALTER COLUMN qty TYPE integer;")));
        Assert.Empty(DataChanges.Of(Plan(Phase("w", PhaseKind.Expand, "ALTER TABLE items ALTER COLUMN qty TYPE bigint;", "SELECT 1;"))));
    }

    // Rule 5: an UPDATE of a column that existed before the plan; a column the plan added (earlier, or in the same script) is its own.
    [Fact]
    public void Rule_5_update_of_a_column_the_plan_did_not_add()
    {
        Assert.Equal("UPDATE items SET name", Single("UPDATE items SET name = upper(name);").What);
        var own = Plan(
            Phase("add", PhaseKind.Expand, "ALTER TABLE customers ADD COLUMN first_name text; UPDATE customers SET first_name = 'a';", "SELECT 1;"),
            Phase("fill", PhaseKind.Expand, "UPDATE customers SET first_name = split_part(full_name, ' ', 1);", "SELECT 1;"),
            Phase("table", PhaseKind.Expand, "CREATE TABLE notes (id int); DELETE FROM notes;", "DROP TABLE notes;"));
        Assert.Empty(DataChanges.Of(own));
        Assert.Null(DataChanges.FirstDestructivePhase(own));
    }

    // Rule 6 and the baseline's moment: nothing else destroys data; the baseline goes before the first contract or destructive phase.
    [Fact]
    public void Rule_6_and_the_sample_plan_whose_contract_down_restores_full_name()
    {
        var sample = PlanLoader.Load(RepositoryFiles.SamplePlan);
        var change = Assert.Single(DataChanges.Of(sample));
        Assert.Equal(("drop_full_name", "DROP COLUMN customers.full_name", 4), (change.Phase.Name, change.What, change.Statement.Line));
        Assert.True(DataChanges.RestoredByDown(change));
        // The index phase's DO block may change anything, so the baseline is taken before it.
        Assert.Equal("index_last_name", DataChanges.FirstDestructivePhase(sample)!.Name);
        Assert.Equal(["customers"], StatementTargets.TablesOf(sample));
    }
}

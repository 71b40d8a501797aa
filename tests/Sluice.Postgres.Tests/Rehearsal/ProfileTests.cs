using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Tests;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

public sealed class ProfileTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_shop_profile_has_sizes_keys_and_shapes_and_no_sensitive_value()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        var serviceFolder = Path.Combine(RepositoryFiles.Pipelines, "shop");
        await TestSql.ExecuteAsync(database.ConnectionString, await File.ReadAllTextAsync(Path.Combine(serviceFolder, "schema", "0000_base.sql"), ct), ct);

        var sensitive = await SensitiveColumns.LoadAsync(serviceFolder, ct);
        var profile = await PostgresProfiler.ReadAsync(database.ConnectionString, new ProfileOptions("production", sensitive), ct);

        var customers = profile.Table("public", "customers")!;
        var orders = profile.Table("public", "orders")!;
        Assert.Equal((2000L, 6000L), (customers.RowCount, orders.RowCount));
        Assert.Equal(["id"], customers.PrimaryKey);
        Assert.Contains(customers.UniqueKeys, k => k.SequenceEqual(["email"]));
        Assert.Contains(orders.Checks, c => c.Columns.SequenceEqual(["status"]) && c.Definition.Contains("'paid'", StringComparison.Ordinal));
        var fk = Assert.Single(orders.ForeignKeys);
        Assert.Equal(("customers", 2000L, 6000L), (fk.ReferencedTable, fk.ChildrenPerParent.Sum(c => c.Parents), fk.ChildrenPerParent.Sum(c => c.Children * c.Parents)));
        Assert.Equal(4, orders.Column("status").MostCommon.Count);

        Assert.True(customers.Column("email").Sensitive);
        Assert.True(customers.Column("full_name").Sensitive);
        Assert.NotEmpty(customers.Column("full_name").MostCommon);
        var json = ProfileFile.ToJson(profile);
        Assert.DoesNotContain("@example.com", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Lovelace", json, StringComparison.Ordinal);
        Assert.Contains("customers.full_name:", json, StringComparison.Ordinal);
    }
}

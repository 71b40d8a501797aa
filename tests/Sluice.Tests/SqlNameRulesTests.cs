using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary>The rules of <see cref="SqlName"/>, row by row.</summary>
public sealed class SqlNameRulesTests
{
    [Theory]
    [InlineData("customers", null, "customers")]
    [InlineData("public.customers", "public", "customers")]
    [InlineData(" public . customers ", "public", "customers")]
    public void Rule1_parts_are_separated_by_dots_and_spaces_around_them_are_ignored(string text, string? schema, string name) =>
        Assert.Equal((schema, name), Parts(text, 2));

    [Theory]
    [InlineData("\"Sales\".\"OrderLines\"", "Sales", "OrderLines")]
    [InlineData("\"Order Lines\"", null, "Order Lines")]
    [InlineData("\"say \"\"hi\"\"\"", null, "say \"hi\"")]
    [InlineData("\"a.b\"", null, "a.b")]
    [InlineData("\"x; DROP TABLE y; --\"", null, "x; DROP TABLE y; --")]
    public void Rule2_a_quoted_part_keeps_case_and_any_character_and_a_doubled_quote_is_one(string text, string? schema, string name) =>
        Assert.Equal((schema, name), Parts(text, 2));

    [Theory]
    [InlineData("Customers", null, "customers")]
    [InlineData("Sales.\"OrderLines\"", "sales", "OrderLines")]
    [InlineData("_t$1", null, "_t$1")]
    [InlineData("Käse", null, "käse")]
    public void Rule3_an_unquoted_part_is_folded_to_lower_case_as_postgresql_does(string text, string? schema, string name) =>
        Assert.Equal((schema, name), Parts(text, 2));

    [Fact]
    public void Rule4_a_part_is_at_most_63_bytes()
    {
        var longest = new string('é', 31) + "x"; // 63 bytes in UTF-8
        Assert.Equal((null, longest), Parts($"\"{longest}\"", 1));
        Assert.False(SqlName.TryParse($"\"{longest}y\"", 1, out _, out var error));
        Assert.Contains("64 bytes long; PostgreSQL names are at most 63", error);
    }

    [Theory]
    [InlineData("a.b.c", 2, "at most 2 parts")]
    [InlineData("t.id", 1, "a column name has no '.'")]
    public void Rule5_a_table_has_at_most_two_parts_and_a_column_one(string text, int maxParts, string expected)
    {
        Assert.False(SqlName.TryParse(text, maxParts, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("customers --; DROP TABLE orders", "unexpected '-' at character 11")]
    [InlineData("customers;DROP TABLE orders", "unexpected ';' at character 10")]
    [InlineData("id) FROM x; --", "unexpected ')' at character 3")]
    [InlineData("\"customers\"; DROP TABLE orders; --", "unexpected ';' at character 12")]
    [InlineData("\"unterminated", "never closed")]
    [InlineData("\"\"", "is empty")]
    [InlineData("", "the name is empty")]
    [InlineData("public.", "missing after '.'")]
    [InlineData("1abc", "starts with a letter")]
    [InlineData("\"nul\0\"", "cannot hold NUL")]
    public void Rule6_anything_else_is_not_a_name_and_says_where(string text, string expected)
    {
        Assert.False(SqlName.TryParse(text, 2, out var name, out var error));
        Assert.Null(name);
        Assert.Contains(expected, error);
    }

    private static (string? Schema, string Name) Parts(string text, int maxParts)
    {
        Assert.True(SqlName.TryParse(text, maxParts, out var name, out var error), error);
        Assert.Equal(text, name!.ToString());
        return (name.Schema, name.Name);
    }
}

using System.Text.Json;

namespace Sluice.Lint;

/// <summary>Reading PostgreSQL's parse tree (libpg_query's JSON form): fields, nodes by kind, names as the server spells them.</summary>
public static class Ast
{
    public static string? Str(this JsonElement node, string field) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Flag(this JsonElement node, string field) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.True;

    public static JsonElement? Field(this JsonElement node, string field) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty(field, out var value) ? value : null;

    public static IEnumerable<JsonElement> List(this JsonElement node, string field) =>
        node.Field(field) is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : [];

    /// <summary>The fields of a node wrapped as <c>{"Kind": {...}}</c>, when it is of that kind.</summary>
    public static JsonElement? As(this JsonElement wrapped, string kind) =>
        wrapped.ValueKind == JsonValueKind.Object && wrapped.TryGetProperty(kind, out var inner) ? inner : null;

    /// <summary>Every node of a kind anywhere below (the fields of each).</summary>
    public static IEnumerable<JsonElement> Nodes(this JsonElement node, string kind)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == kind) yield return property.Value;
                    foreach (var inner in property.Value.Nodes(kind)) yield return inner;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                foreach (var inner in item.Nodes(kind)) yield return inner;
                break;
        }
    }

    /// <summary>The strings of a list of <c>String</c> nodes: <c>["pg_catalog", "int4"]</c>.</summary>
    public static IReadOnlyList<string> Names(this JsonElement node, string field) =>
        [.. node.List(field).Select(n => n.As("String")?.Str("sval")).OfType<string>()];

    /// <summary>A RangeVar as <c>schema.table</c> (<c>public</c> when the statement names none).</summary>
    public static string Table(this JsonElement rangeVar) => $"{rangeVar.Str("schemaname") ?? "public"}.{rangeVar.Str("relname")}";

    /// <summary>A column's type as the server names it (<c>int4</c>, <c>varchar</c>, <c>bigserial</c>), and whether it has a modifier (a length).</summary>
    public static (string Name, bool Modified) Type(this JsonElement columnDef)
    {
        var typeName = columnDef.Field("typeName") ?? default;
        var names = typeName.Names("names");
        return (names.Count == 0 ? "" : names[^1], typeName.List("typmods").Any());
    }

    /// <summary>The constraints of a column definition, by kind (<c>CONSTR_PRIMARY</c>, ...).</summary>
    public static IEnumerable<JsonElement> Constraints(this JsonElement columnDef) =>
        columnDef.List("constraints").Select(c => c.As("Constraint")).OfType<JsonElement>();
}

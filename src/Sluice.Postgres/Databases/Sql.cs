using Sluice.Migrations.Plans;

namespace Sluice.Postgres.Databases;

/// <summary>
/// Quoting for identifiers that cannot be passed as parameters (database, table and column names in SQL text): the one
/// place Sluice turns a name into SQL, always quoted, so any real name works and none is read as SQL.
/// </summary>
internal static class Sql
{
    public static string Identifier(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("a name cannot contain NUL", nameof(name));
        return $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    /// <summary><c>"schema"."name"</c>, or <c>"name"</c> when the name is not qualified.</summary>
    public static string Qualified(SqlName name) => name.Schema is null ? Identifier(name.Name) : Qualified(name.Schema, name.Name);

    /// <summary><c>"schema"."name"</c>.</summary>
    public static string Qualified(string schema, string name) => $"{Identifier(schema)}.{Identifier(name)}";
}

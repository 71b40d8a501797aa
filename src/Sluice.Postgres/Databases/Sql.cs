namespace Sluice.Postgres.Databases;

/// <summary>Quoting for identifiers that cannot be passed as parameters (database names in DDL).</summary>
internal static class Sql
{
    public static string Identifier(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("a name cannot contain NUL", nameof(name));
        return $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}

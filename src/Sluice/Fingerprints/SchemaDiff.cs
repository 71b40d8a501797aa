using System.Text.RegularExpressions;

namespace Sluice.Fingerprints;

/// <summary>What happened to one catalog object between two schema fingerprints.</summary>
public enum SchemaChangeKind
{
    Added,
    Dropped,
    Changed,
}

/// <summary>One difference, readable: <c>column customers.first_name: added</c>,
/// <c>default of orders.status: 'new' -> 'open'</c>, <c>index orders_created_idx: dropped</c>.</summary>
public sealed partial record SchemaChange(string Kind, string Name, SchemaChangeKind Change, string? Before, string? After)
{
    public override string ToString()
    {
        var subject = Kind == "default" ? $"default of {Name}" : $"{Kind} {Name}";
        return Change switch
        {
            SchemaChangeKind.Added => Kind == "default" ? $"{subject}: added {Readable(After)}" : $"{subject}: added",
            SchemaChangeKind.Dropped => $"{subject}: dropped",
            _ => $"{subject}: {Readable(Before)} -> {Readable(After)}",
        };
    }

    // 'new'::text reads as 'new'; the cast is PostgreSQL's spelling of a literal, not a difference anyone made.
    private static string Readable(string? definition) =>
        definition is null ? "" : LiteralCast().Match(definition) is { Success: true } m ? m.Groups["literal"].Value : definition;

    [GeneratedRegex(@"^(?<literal>'(?:[^']|'')*')::[a-z ]+$", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralCast();
}

/// <summary>Compares two schema fingerprints object by object.</summary>
public static class SchemaDiff
{
    /// <summary>The changes that turn <paramref name="before"/> into <paramref name="after"/>, ordered by kind and name.</summary>
    public static IReadOnlyList<SchemaChange> Compare(SchemaFingerprint before, SchemaFingerprint after)
    {
        if (before.Hash == after.Hash) return [];
        var old = ById(before);
        var @new = ById(after);
        var changes = new List<SchemaChange>();
        foreach (var (id, o) in old)
        {
            if (!@new.TryGetValue(id, out var n)) changes.Add(new(o.Kind, o.Name, SchemaChangeKind.Dropped, o.Definition, null));
            else if (n.Definition != o.Definition) changes.Add(new(o.Kind, o.Name, SchemaChangeKind.Changed, o.Definition, n.Definition));
        }
        foreach (var (id, n) in @new)
            if (!old.ContainsKey(id)) changes.Add(new(n.Kind, n.Name, SchemaChangeKind.Added, null, n.Definition));
        return [.. changes.OrderBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal)];
    }

    // A catalog should not hold two objects of one kind and name, but a diff must not fail if one does: they compare as one.
    private static Dictionary<(string Kind, string Name), SchemaObject> ById(SchemaFingerprint fingerprint) =>
        fingerprint.Objects.GroupBy(o => (o.Kind, o.Name))
            .ToDictionary(g => g.Key, g => g.Count() == 1 ? g.First() : g.First() with { Definition = string.Join("\n", g.Select(o => o.Definition)) });
}

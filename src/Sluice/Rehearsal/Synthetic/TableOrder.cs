using Sluice.Errors;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Rehearsal.Synthetic;

/// <summary>Orders tables so parents are filled before their children, in levels that can load in parallel.</summary>
public static class TableOrder
{
    /// <summary>Levels of tables: every table's parents are in earlier levels (a table may reference itself).</summary>
    /// <exception cref="SluiceException">SLU062 when foreign keys form a cycle between tables.</exception>
    public static IReadOnlyList<IReadOnlyList<TableProfile>> Levels(IReadOnlyList<TableProfile> tables)
    {
        var byName = tables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        var parents = tables.ToDictionary(t => t.QualifiedName, t => t.ForeignKeys
            .Select(f => $"{f.ReferencedSchema}.{f.ReferencedTable}")
            .Where(p => p != t.QualifiedName && byName.ContainsKey(p)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var levels = new List<IReadOnlyList<TableProfile>>();
        while (done.Count < tables.Count)
        {
            var level = tables.Where(t => !done.Contains(t.QualifiedName) && parents[t.QualifiedName].All(done.Contains)).ToList();
            if (level.Count == 0)
            {
                var cycle = tables.Where(t => !done.Contains(t.QualifiedName)).Select(t => t.QualifiedName);
                throw new SluiceException(ErrorKind.Failure, RehearsalErrorCodes.Unsupported,
                    $"foreign keys form a cycle between {string.Join(", ", cycle)}; synthetic data cannot fill them yet",
                    "rehearse with a schema whose foreign keys between tables are acyclic, or make one of the keys DEFERRABLE and report this");
            }
            levels.Add(level);
            foreach (var table in level) done.Add(table.QualifiedName);
        }
        return levels;
    }
}

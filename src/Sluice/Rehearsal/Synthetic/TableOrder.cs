using Sluice.Errors;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Rehearsal.Synthetic;

/// <summary>Tables in levels that load in parallel, parents first, and the foreign keys set only after every table is loaded.</summary>
/// <param name="Levels">Every table's parents are in earlier levels (a table may reference itself).</param>
/// <param name="Deferred">Nullable foreign keys that closed a cycle: loaded as NULL, set by a later UPDATE.</param>
public sealed record LoadOrder(IReadOnlyList<IReadOnlyList<TableProfile>> Levels, IReadOnlyList<DeferredKey> Deferred);

/// <summary>A foreign key of <paramref name="Table"/> filled after all tables are loaded.</summary>
public sealed record DeferredKey(TableProfile Table, ForeignKeyProfile Key);

/// <summary>Orders tables so parents are filled before their children.</summary>
public static class TableOrder
{
    /// <summary>The load order; a cycle between tables is broken at a foreign key whose columns are all nullable.</summary>
    /// <exception cref="SluiceException">SLU062 when a cycle has no nullable foreign key to break it.</exception>
    public static LoadOrder Plan(IReadOnlyList<TableProfile> tables)
    {
        var byName = tables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        var edges = tables.SelectMany(t => t.ForeignKeys.Select(f => (Child: t, Key: f, Parent: $"{f.ReferencedSchema}.{f.ReferencedTable}")))
            .Where(e => e.Parent != e.Child.QualifiedName && byName.ContainsKey(e.Parent)).ToList();
        var deferred = new List<DeferredKey>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var levels = new List<IReadOnlyList<TableProfile>>();
        while (done.Count < tables.Count)
        {
            var level = tables.Where(t => !done.Contains(t.QualifiedName)
                && edges.Where(e => e.Child == t).All(e => done.Contains(e.Parent))).ToList();
            if (level.Count == 0)
            {
                // Stuck: every table left waits on another one left. Break one nullable edge and look again.
                var breakable = edges.FirstOrDefault(e => !done.Contains(e.Child.QualifiedName) && !done.Contains(e.Parent)
                    && e.Key.Columns.All(c => e.Child.Columns.FirstOrDefault(col => col.Name == c) is { NotNull: false }));
                if (breakable.Child is null)
                {
                    var cycle = tables.Where(t => !done.Contains(t.QualifiedName)).Select(t => t.QualifiedName);
                    throw new SluiceException(ErrorKind.Failure, ErrorCodes.Unsupported,
                        $"foreign keys form a cycle between {string.Join(", ", cycle)} and none of them is nullable; synthetic data cannot fill them",
                        "make one foreign key of the cycle nullable (or DEFERRABLE) in the schema, or rehearse without one of the tables");
                }
                edges.Remove(breakable);
                deferred.Add(new DeferredKey(breakable.Child, breakable.Key));
                continue;
            }
            levels.Add(level);
            foreach (var table in level) done.Add(table.QualifiedName);
        }
        return new LoadOrder(levels, deferred);
    }

    /// <summary>The levels of <see cref="Plan"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<TableProfile>> Levels(IReadOnlyList<TableProfile> tables) => Plan(tables).Levels;
}

using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>How one table of the target will be filled, and what of it the generator cannot honour.</summary>
/// <param name="Table">The table as it exists in the target (types and constraints).</param>
/// <param name="Source">The same table in the profile (sizes and statistics), or null: then it stays empty.</param>
/// <param name="Factories">A generator per column the generator writes; columns without one stay NULL.</param>
/// <param name="UniqueColumns">Columns whose values must all differ (one per key).</param>
/// <param name="ClosedColumns">Columns read by a check constraint: only values the profile saw.</param>
internal sealed record TablePlan(
    TableProfile Table,
    TableProfile? Source,
    IReadOnlyDictionary<string, ISyntheticColumnFactory> Factories,
    IReadOnlySet<string> UniqueColumns,
    IReadOnlySet<string> ClosedColumns,
    IReadOnlyList<string> Unsupported)
{
    public static TablePlan For(TableProfile table, TableProfile? source)
    {
        var unsupported = new List<string>();
        var factories = new Dictionary<string, ISyntheticColumnFactory>(StringComparer.Ordinal);
        foreach (var column in table.Columns)
        {
            if (SyntheticValueTypes.For(column) is { } factory) factories[column.Name] = factory;
            else if (column.NotNull) unsupported.Add($"column {table.QualifiedName}.{column.Name} of type {column.Type} (NOT NULL)");
        }

        // A check over one column is honoured by drawing only profiled values (the live data satisfied it, and
        // interpolation stays between two satisfying bounds); a check that relates columns is not.
        foreach (var check in table.Checks.Where(c => c.Columns.Count > 1))
            unsupported.Add($"check constraint {check.Name} on {table.QualifiedName} ({check.Definition}) relates {check.Columns.Count} columns");

        var foreignKeyColumns = table.ForeignKeys.SelectMany(f => f.Columns).ToHashSet(StringComparer.Ordinal);
        var unique = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in table.UniqueKeys.Prepend(table.PrimaryKey).Where(k => k.Count > 0))
        {
            // One column of the key unique by itself makes the whole key unique.
            if (key.LastOrDefault(c => !foreignKeyColumns.Contains(c)) is { } own) unique.Add(own);
            else unsupported.Add($"key ({string.Join(", ", key)}) of {table.QualifiedName} is made only of foreign-key columns");
        }
        // A column production holds all distinct stays so, keyed or not: a plan that adds a key on it must not fail on
        // duplicates production never had.
        foreach (var column in table.Columns.Where(c => factories.ContainsKey(c.Name) && !foreignKeyColumns.Contains(c.Name)))
            if (source?.Columns.FirstOrDefault(c => c.Name == column.Name) is { } profiled && profiled.AllDistinct(source.RowCount))
                unique.Add(column.Name);
        foreach (var fk in table.ForeignKeys)
            if (fk.Columns.Any(c => !factories.ContainsKey(c)))
                unsupported.Add($"foreign key {fk.Name} of {table.QualifiedName} has a column of an unsupported type");

        return new TablePlan(table, source, factories, unique,
            table.Checks.SelectMany(c => c.Columns).ToHashSet(StringComparer.Ordinal), unsupported);
    }
}

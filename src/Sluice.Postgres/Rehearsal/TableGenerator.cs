using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Synthetic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>Generates one table's columns: its own columns first (functions of the row index, nothing held per row),
/// then foreign keys picked from parents (an array of parent rows each, four bytes a row).</summary>
internal static class TableGenerator
{
    /// <param name="deferred">Foreign keys (table, key name) left NULL now and set after every table is loaded.</param>
    public static GeneratedTable Generate(TablePlan plan, int rows, IReadOnlyDictionary<string, GeneratedTable> parents,
        IReadOnlySet<(string Table, string Key)> deferred, Random random)
    {
        var table = plan.Table;
        var foreignKeyColumns = table.ForeignKeys.SelectMany(f => f.Columns).ToHashSet(StringComparer.Ordinal);
        var columns = new Dictionary<string, ISyntheticColumn>(StringComparer.Ordinal);
        foreach (var column in table.Columns.Where(c => plan.Factories.ContainsKey(c.Name) && !foreignKeyColumns.Contains(c.Name)))
        {
            var stats = plan.Source?.Columns.FirstOrDefault(c => c.Name == column.Name);
            var spec = new ColumnSpec(column.Name, stats, rows, column.NotNull, plan.UniqueColumns.Contains(column.Name), plan.ClosedColumns.Contains(column.Name));
            columns[column.Name] = plan.Factories[column.Name].Generate(spec, random);
        }

        var self = new GeneratedTable(rows, [.. columns.Values]);
        foreach (var fk in table.ForeignKeys)
        {
            if (fk.Columns.Any(columns.ContainsKey)) continue; // a column shared with an earlier foreign key keeps that one's value
            if (deferred.Contains((table.QualifiedName, fk.Name)))
            {
                var none = new int[rows];
                Array.Fill(none, -1);
                // Any column of the right type serves as the source of NULLs; the values come later.
                foreach (var column in fk.Columns) columns[column] = plan.Factories[column].Generate(new ColumnSpec(column, null, 0, false, false, false), random).Pick(column, none);
                continue;
            }
            var parentName = $"{fk.ReferencedSchema}.{fk.ReferencedTable}";
            var parent = parentName == table.QualifiedName ? self : parents.GetValueOrDefault(parentName);
            var rowsOfParent = PickParents(plan, fk, rows, parent?.Rows ?? 0, random);
            for (var i = 0; i < fk.Columns.Count; i++)
                columns[fk.Columns[i]] = parent!.Column(fk.ReferencedColumns[i]).Pick(fk.Columns[i], rowsOfParent);
        }
        return new GeneratedTable(rows, [.. table.Columns.Where(c => columns.ContainsKey(c.Name)).Select(c => columns[c.Name])]);
    }

    // Row i of the child points at parent row result[i], or at nothing (-1) for a NULL key.
    internal static int[] PickParents(TablePlan plan, ForeignKeyProfile fk, int rows, int parentRows, Random random)
    {
        var first = plan.Table.Column(fk.Columns[0]);
        var stats = plan.Source?.Columns.FirstOrDefault(c => c.Name == fk.Columns[0]);
        var nullCount = first.NotNull || stats is null ? 0 : (int)Math.Round(stats.NullFraction * rows);
        if (parentRows == 0) nullCount = rows; // no parent to point at: only a nullable key can stay empty, and COPY says so otherwise
        var shape = plan.Source?.ForeignKeys.FirstOrDefault(f => f.Name == fk.Name || f.Columns.SequenceEqual(fk.Columns))?.ChildrenPerParent ?? [];
        var allocation = ChildAllocation.Allocate(shape, parentRows, rows - nullCount, random);
        // Without NULLs the allocation is the result: no second array of the child's size.
        var result = nullCount == 0 ? allocation : new int[rows];
        if (nullCount > 0)
        {
            Array.Fill(result, -1, 0, nullCount);
            allocation.CopyTo(result, nullCount);
        }
        ChildAllocation.Shuffle(result, random);
        return result;
    }
}

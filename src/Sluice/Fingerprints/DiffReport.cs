using System.Text;

namespace Sluice.Fingerprints;

/// <summary>Everything that differs between two databases (or two sources): schema changes, sources present on one
/// side only, and per-source row differences.</summary>
public sealed record DiffReport(
    IReadOnlyList<SchemaChange> SchemaChanges,
    IReadOnlyList<TableDiff> Tables,
    IReadOnlyList<string> OnlyInSource,
    IReadOnlyList<string> OnlyInTarget)
{
    /// <summary>For a diff of live databases: how its differences were re-checked (<see cref="SettledDiff"/>); null for one pass.</summary>
    public DiffSettling? Settling { get; init; }

    public static DiffReport ForTables(params TableDiff[] tables) => new([], tables, [], []);

    public bool AreEqual => SchemaChanges.Count == 0 && OnlyInSource.Count == 0 && OnlyInTarget.Count == 0 && Tables.All(t => t.AreEqual);

    /// <summary>One difference per line; the last line says how the comparison ended.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var change in SchemaChanges) text.Append(change).Append('\n');
        foreach (var table in OnlyInSource) text.Append($"table {table}: only in the source\n");
        foreach (var table in OnlyInTarget) text.Append($"table {table}: only in the target\n");
        foreach (var table in Tables)
        foreach (var line in table.Describe())
            text.Append(line).Append('\n');
        if (Settling is { } settling) text.Append(settling.Describe()).Append('\n');
        var rows = Tables.Sum(t => t.SourceRows);
        text.Append(AreEqual
            ? $"equal: {Tables.Count} table(s), {rows:N0} rows, schema identical\n"
            : $"different: {SchemaChanges.Count} schema change(s), {Tables.Count(t => !t.AreEqual)} table(s) with differing rows\n");
        return text.ToString();
    }
}

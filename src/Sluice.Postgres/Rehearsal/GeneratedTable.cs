namespace Sluice.Postgres.Rehearsal;

/// <summary>A table's generated columns, kept so its children can pick their foreign keys from them (a column holds no
/// rows: a child reads a parent's row by computing it).</summary>
internal sealed record GeneratedTable(int Rows, IReadOnlyList<ISyntheticColumn> Columns)
{
    public ISyntheticColumn Column(string name) => Columns.First(c => c.Name == name);

    /// <summary>The same rows with only the named columns.</summary>
    public GeneratedTable Keep(IReadOnlyCollection<string> names) => this with { Columns = [.. Columns.Where(c => names.Contains(c.Name))] };
}

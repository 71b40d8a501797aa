using Npgsql;

namespace Sluice.Postgres.Rehearsal;

/// <summary>One generated column. Nothing is held per row: a row's value is computed from its index when it is written
/// (the spec, a seeded permutation and, for a foreign key, the parent rows it points at), so a column costs the same at
/// 10M rows as at 1,000 and its rows stream straight into COPY.</summary>
internal interface ISyntheticColumn
{
    string Name { get; }

    int Count { get; }

    void Write(NpgsqlBinaryImporter writer, int row);

    /// <summary>A column of the same type whose row i holds this column's row <c>rows[i]</c>, or NULL where <c>rows[i]</c> is -1.</summary>
    ISyntheticColumn Pick(string name, int[] rows);
}

/// <summary>Where a column's rows get their values: row i's value, or false for NULL. Safe to read from several
/// threads (a parent's key is read by its children's COPYs at once).</summary>
internal interface IColumnRows<T>
{
    int Count { get; }

    bool TryGet(int row, out T value);
}

/// <summary>Values of one type, computed per row.</summary>
internal sealed class SyntheticColumn<T>(string name, SyntheticValueType<T> type, IColumnRows<T> rows) : ISyntheticColumn where T : notnull
{
    public string Name => name;

    public int Count => rows.Count;

    /// <summary>Row <paramref name="row"/> as generated (for tests and diagnostics).</summary>
    public (bool Null, T Value) Row(int row) => rows.TryGet(row, out var value) ? (false, value) : (true, default!);

    public void Write(NpgsqlBinaryImporter writer, int row)
    {
        if (rows.TryGet(row, out var value)) writer.Write(value, type.DbType);
        else writer.WriteNull();
    }

    public ISyntheticColumn Pick(string pickedName, int[] parentRows) => new SyntheticColumn<T>(pickedName, type, new PickedRows<T>(rows, parentRows));
}

/// <summary>What one column should look like.</summary>
/// <param name="Statistics">The profile's statistics of the column, or null when the profile has none (then plain placeholder values).</param>
/// <param name="Unique">Every non-null value must differ (a key or the last column of a composite key).</param>
/// <param name="Closed">Only values the profile names may appear (a check constraint reads the column).</param>
internal sealed record ColumnSpec(string Name, Sluice.Rehearsal.Profiles.ColumnProfile? Statistics, int Rows, bool NotNull, bool Unique, bool Closed);

internal interface ISyntheticColumnFactory
{
    ISyntheticColumn Generate(ColumnSpec spec, Random random);
}

using Npgsql;

namespace Sluice.Postgres.Rehearsal;

/// <summary>One generated column held in memory until its table is copied.</summary>
internal interface ISyntheticColumn
{
    string Name { get; }

    int Count { get; }

    void Write(NpgsqlBinaryImporter writer, int row);

    /// <summary>A column of the same type whose row i holds this column's row <c>rows[i]</c>, or NULL where <c>rows[i]</c> is -1.</summary>
    ISyntheticColumn Pick(string name, int[] rows);
}

/// <summary>Values of one type, with a null mask.</summary>
internal sealed class SyntheticColumn<T>(string name, SyntheticValueType<T> type, T[] values, bool[] nulls) : ISyntheticColumn where T : notnull
{
    public string Name => name;

    public int Count => values.Length;

    /// <summary>Row <paramref name="row"/> as generated (for tests and diagnostics).</summary>
    public (bool Null, T Value) Row(int row) => (nulls[row], values[row]);

    public void Write(NpgsqlBinaryImporter writer, int row)
    {
        if (nulls[row]) writer.WriteNull();
        else writer.Write(values[row], type.DbType);
    }

    public ISyntheticColumn Pick(string pickedName, int[] rows)
    {
        var picked = new T[rows.Length];
        var pickedNulls = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] < 0 || nulls[rows[i]]) pickedNulls[i] = true;
            else picked[i] = values[rows[i]];
        }
        return new SyntheticColumn<T>(pickedName, type, picked, pickedNulls);
    }
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

namespace Sluice.Rehearsal.Profiles;

/// <summary>
/// Aggregate statistics of one environment's data: enough to generate look-alike data, never a row of it.
/// Written to <c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c>.
/// </summary>
/// <param name="Version">The profile format version (<see cref="CurrentVersion"/>).</param>
/// <param name="Source">Where it was read from (environment name, never a connection string).</param>
/// <param name="TakenAt">When the statistics were read.</param>
/// <param name="Tables">Every ordinary table of the user schemas, in name order.</param>
/// <param name="Statements">The statement mix on those tables from <c>pg_stat_statements</c> (<see cref="StatementMix"/>); null in a profile taken before it was recorded.</param>
public sealed record DataProfile(int Version, string Source, DateTimeOffset TakenAt, IReadOnlyList<TableProfile> Tables, StatementMix? Statements = null)
{
    public const int CurrentVersion = 1;

    public TableProfile? Table(string schema, string name) =>
        Tables.FirstOrDefault(t => t.Schema == schema && t.Name == name);

    public long TotalRows => Tables.Sum(t => t.RowCount);
}

/// <summary>One table's size, columns and constraints.</summary>
/// <param name="PrimaryKey">Column names of the primary key (empty when there is none).</param>
/// <param name="UniqueKeys">Column names of each unique constraint or unique index other than the primary key.</param>
/// <param name="Activity">How busy the table is (from <c>pg_stat_user_tables</c>), when the profile measured it; lint weighs locks by it.</param>
public sealed record TableProfile(
    string Schema,
    string Name,
    long RowCount,
    IReadOnlyList<ColumnProfile> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<IReadOnlyList<string>> UniqueKeys,
    IReadOnlyList<CheckProfile> Checks,
    IReadOnlyList<ForeignKeyProfile> ForeignKeys,
    TableActivity? Activity = null)
{
    public string QualifiedName => $"{Schema}.{Name}";

    public ColumnProfile Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"table {QualifiedName} has no column '{name}'", nameof(name));
}

/// <summary>A table's traffic, averaged over the time its statistics cover: reads are scans (sequential and by index), writes are rows inserted, updated or deleted.</summary>
public sealed record TableActivity(double ReadsPerSecond, double WritesPerSecond);

/// <summary>One column's statistics as PostgreSQL's planner sees them (<c>pg_stats</c> after ANALYZE).</summary>
/// <param name="Type">The type's name in <c>pg_type</c> (<c>int8</c>, <c>numeric</c>, <c>timestamptz</c>, ...).</param>
/// <param name="TypeModifier">The type modifier (<c>atttypmod</c>), for numeric scale and varchar length; -1 for none.</param>
/// <param name="NullFraction">Fraction of rows that are NULL.</param>
/// <param name="DistinctValues">PostgreSQL's <c>n_distinct</c>: a count when positive, minus a fraction of the rows when negative.</param>
/// <param name="MostCommon">Most common values (text form) and their fractions of all rows.</param>
/// <param name="HistogramBounds">Equi-depth bounds (text form) over the values that are not most common.</param>
/// <param name="AverageWidth">Average stored width in bytes.</param>
/// <param name="Correlation">Physical order against logical order, -1..1, when known.</param>
/// <param name="Sensitive">True when real values were replaced by consistent tokens.</param>
public sealed record ColumnProfile(
    string Name,
    string Type,
    int TypeModifier,
    bool NotNull,
    double NullFraction,
    double DistinctValues,
    IReadOnlyList<ValueFrequency> MostCommon,
    IReadOnlyList<string> HistogramBounds,
    int AverageWidth,
    double? Correlation,
    bool Sensitive)
{
    /// <summary>Every non-null value differs from every other among <paramref name="rows"/> rows (<c>n_distinct</c> of -1,
    /// or -(1 - null fraction) as ANALYZE writes it for a unique column with NULLs, or a count of at least the non-null rows).</summary>
    public bool AllDistinct(long rows)
    {
        var nonNull = Math.Round(rows * (1 - NullFraction));
        if (nonNull < 2 || MostCommon.Count > 0) return false;
        return DistinctValues < 0 ? -DistinctValues >= 1 - NullFraction - 1e-6 : DistinctValues >= nonNull;
    }

    /// <summary>The number of distinct non-null values expected among <paramref name="rows"/> rows.</summary>
    public long DistinctCount(long rows)
    {
        var nonNull = (long)Math.Round(rows * (1 - NullFraction));
        var count = DistinctValues >= 0 ? (long)Math.Round(DistinctValues) : (long)Math.Round(-DistinctValues * rows);
        return Math.Clamp(count, nonNull > 0 ? 1 : 0, nonNull);
    }
}

/// <summary>A value in PostgreSQL's text form and the fraction of all rows holding it.</summary>
public sealed record ValueFrequency(string Value, double Frequency);

/// <summary>A check constraint: its name, the columns it reads and its definition.</summary>
public sealed record CheckProfile(string Name, IReadOnlyList<string> Columns, string Definition);

/// <summary>A foreign key and how many children each parent has.</summary>
/// <param name="ReferencedSchema">The parent table's schema.</param>
/// <param name="ReferencedTable">The parent table's name.</param>
/// <param name="ChildrenPerParent">How many parents have how many children: the shape to reproduce.</param>
public sealed record ForeignKeyProfile(
    string Name,
    IReadOnlyList<string> Columns,
    string ReferencedSchema,
    string ReferencedTable,
    IReadOnlyList<string> ReferencedColumns,
    IReadOnlyList<ChildCount> ChildrenPerParent);

/// <summary><paramref name="Parents"/> parents have exactly <paramref name="Children"/> children each.</summary>
public sealed record ChildCount(long Children, long Parents);

namespace Sluice.Postgres.Rehearsal;

/// <summary>How much synthetic data to make and from which seed.</summary>
/// <param name="Scale">Rows relative to the profile (1.0 = the profiled environment's size).</param>
/// <param name="Seed">The same seed, profile and schema give the same rows.</param>
/// <param name="RowBudget">The most rows in all; a larger scale is reduced to fit (the result says by how much).</param>
public sealed record SyntheticOptions(double Scale = 1.0, int Seed = 1, long RowBudget = 10_000_000);

/// <summary>What a generation loaded.</summary>
/// <param name="Scale">The scale used after the row budget (durations extrapolate by its inverse).</param>
/// <param name="Tables">Rows and load time per table, in load order.</param>
/// <param name="Elapsed">Generation and load together.</param>
public sealed record SyntheticResult(double Scale, IReadOnlyList<SyntheticTableLoad> Tables, TimeSpan Elapsed)
{
    /// <summary>Reading the target's schema and setting its keys, indexes and foreign keys aside.</summary>
    public TimeSpan Prepare { get; init; }

    /// <summary>From the first COPY's start to the last one's end (tables load concurrently).</summary>
    public TimeSpan CopyPhase { get; init; }

    /// <summary>From the last COPY's end until every key, index and foreign key set aside is back (a table's keys are
    /// built right after its own COPY, so some of that work hides inside <see cref="CopyPhase"/>).</summary>
    public TimeSpan Rebuild { get; init; }

    /// <summary>Moving identity and serial sequences past the generated keys, and ANALYZE.</summary>
    public TimeSpan Finish { get; init; }

    /// <summary>How many keys, indexes and foreign keys were set aside and rebuilt.</summary>
    public int DeferredObjects { get; init; }

    public long TotalRows => Tables.Sum(t => t.Rows);
}

/// <param name="Table">schema.table</param>
/// <param name="Rows">Rows written.</param>
/// <param name="ProfileRows">Rows in the profile (the production size for extrapolation).</param>
public sealed record SyntheticTableLoad(string Table, long Rows, long ProfileRows, TimeSpan Generate, TimeSpan Copy);

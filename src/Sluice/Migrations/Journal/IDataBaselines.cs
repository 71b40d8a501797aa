using Sluice.Fingerprints;

namespace Sluice.Migrations.Journal;

/// <summary>
/// The data of the tables a plan touches, fingerprinted per chunk and per column just before the plan's first
/// destructive phase (<see cref="Plans.DataChanges.FirstDestructivePhase"/>) and kept in the target's journal, so a
/// rollback can prove its downs brought the data back and not only the schema. Taken that late, not before the plan:
/// the application keeps writing while a plan is half-applied, and every write before the baseline is then not a
/// difference. Only the touched tables, and only their columns that existed before the plan (the ones a rollback
/// must bring back).
/// </summary>
public interface IDataBaselines
{
    /// <summary>Records <paramref name="tables"/> (as <see cref="Plans.StatementTargets"/> spells them) as the plan's data
    /// baseline, replacing an older one; tables that do not exist now or did not exist before the plan are left out.</summary>
    Task<DataBaselineTaken> RecordAsync(string planId, IReadOnlyList<string> tables, CancellationToken cancellationToken);

    /// <summary>Whether the plan has a data baseline.</summary>
    Task<bool> ExistsAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Compares the baselined tables now with their baseline.</summary>
    Task<DataCheck> CheckAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Forgets the plan's baseline (after a verified rollback, or when a plan starts again from nothing).</summary>
    Task ForgetAsync(string planId, CancellationToken cancellationToken);
}

/// <summary>What a data baseline cost: the tables and rows it read and how long it took.</summary>
public sealed record DataBaselineTaken(IReadOnlyList<string> Tables, long Rows, TimeSpan Took)
{
    public override string ToString() => Tables.Count == 0
        ? "no data baseline: none of the tables the plan touches existed before it"
        : $"data baseline of {string.Join(", ", Tables)} ({Rows:N0} rows) taken in {Took.TotalMilliseconds:F0} ms";
}

/// <summary>How a rollback's data compares with the plan's baseline.</summary>
public enum DataVerdict
{
    /// <summary>Every baselined table equals its baseline, column by column.</summary>
    Equal,
    /// <summary>No applied phase drops or overwrites data, so there was nothing to baseline.</summary>
    NotAtRisk,
    /// <summary>Values are gone (a table, a column, or a column's values in rows still there): the rollback fails.</summary>
    Lost,
    /// <summary>It cannot be told: differences a writing application also makes, no baseline, or another plan's changes.</summary>
    Unverified,
}

/// <param name="Lost">Columns whose values are gone, by table, column and key range.</param>
/// <param name="Differences">What differs without proving a loss.</param>
/// <param name="Detail">One line for the journal and the console: what was verified, or what was not and why.</param>
public sealed record DataCheck(DataVerdict Verdict, IReadOnlyList<LostValues> Lost, IReadOnlyList<string> Differences, string Detail);

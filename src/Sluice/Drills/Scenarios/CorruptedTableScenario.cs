using Sluice.Errors;

namespace Sluice.Drills.Scenarios;

/// <summary><c>corrupted-table</c>: a tenth of the rows of the largest table are deleted (a bad script, a wrong WHERE);
/// the recovery restores the latest verified snapshot. The copies come from that snapshot, so the restore is exact: 0
/// rows lost is the expected result, and anything else fails the drill.</summary>
public sealed class CorruptedTableScenario : IDrillScenario
{
    public string Name => "corrupted-table";

    public string Fault => "rows of a table are deleted or overwritten (a bad script, a wrong WHERE, an operator's mistake)";

    public string Recovery => "restore the latest verified snapshot (RestoreSnapshot --snapshot ID); what was written after it is lost";

    public DrillNeeds Needs => DrillNeeds.VerifiedSnapshot;

    public Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var tables = await setting.Working.TablesAsync(cancellationToken);
        if (tables is not [var table, ..] || table.Rows == 0)
            throw SluiceException.Usage(ErrorCodes.DrillNeedUnmet, "drill 'corrupted-table' needs a table with rows; the environment's snapshot has none",
                "seed or promote the environment, then take and verify a snapshot");
        var doomed = Math.Max(1, table.Rows / 10);
        await setting.Working.ExecuteAsync(
            $"DELETE FROM {table.Name} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table.Name} ORDER BY ctid LIMIT {doomed}))", cancellationToken);
        return $"{doomed:N0} of {table.Rows:N0} rows of {table.Name} deleted";
    }

    public async Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var id = await setting.Working.RestoreLatestVerifiedSnapshotAsync(cancellationToken);
        return $"restored the latest verified snapshot, {id}, into the working copy (its fingerprint checked after the restore)";
    }
}

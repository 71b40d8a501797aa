namespace Sluice.Migrations.Backfill;

/// <summary>How far a backfill got: every key up to <see cref="LastKey"/> is done. Committed with each batch.</summary>
/// <param name="RowsDone">Rows the batches reported changing, summed; equals the table's rows when nothing was repeated.</param>
public sealed record BackfillCheckpoint(string PlanId, string Phase, long? LastKey, long RowsDone, long Batches, bool Completed, DateTimeOffset UpdatedAt);

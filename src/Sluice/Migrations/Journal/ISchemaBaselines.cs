using Sluice.Fingerprints;

namespace Sluice.Migrations.Journal;

/// <summary>
/// The schema fingerprint of the target as it was before a plan's first phase ran, kept in the target's journal so a
/// rollback can prove it brought the schema back. Only the schema: the application keeps writing rows while the
/// plan is half-applied, so data is compared with a later state, taken just before the plan's first destructive
/// phase (<see cref="IDataBaselines"/>).
/// </summary>
public interface ISchemaBaselines
{
    /// <summary>Records the current schema as <paramref name="planId"/>'s baseline, replacing an older one (the runner
    /// calls it before the first change of a run that starts from nothing applied).</summary>
    Task RecordAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Compares the current schema with the plan's baseline.</summary>
    Task<SchemaCheck> CheckAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Forgets the plan's baseline (after a verified rollback: a later run records a fresh one).</summary>
    Task ForgetAsync(string planId, CancellationToken cancellationToken);
}

/// <summary>The outcome of comparing a schema with a plan's baseline.</summary>
/// <param name="Restored">True when the schema equals the baseline, false when it differs, null when it cannot be
/// told (no baseline, or another plan changed the schema since it was taken).</param>
/// <param name="Changes">What differs from the baseline, when it differs.</param>
/// <param name="Detail">One line for the journal and the console.</param>
public sealed record SchemaCheck(bool? Restored, IReadOnlyList<SchemaChange> Changes, string Detail);

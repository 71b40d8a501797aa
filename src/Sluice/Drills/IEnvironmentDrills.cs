namespace Sluice.Drills;

/// <summary>An environment's drills: the copies a drill acts on and the journal of their results.</summary>
public interface IEnvironmentDrills
{
    /// <summary>Makes the working and the reference copy of the environment's database for a scenario that needs
    /// <paramref name="needs"/>. Refuses (usage, exit 2) before creating anything when a copy would be the environment
    /// itself (SLU316) or the environment cannot offer what the scenario needs (SLU318).</summary>
    Task<IDrillCopies> CopyAsync(DrillNeeds needs, CancellationToken cancellationToken);

    /// <summary>The drills' evidence, in the environment's journal (<c>sluice.drills</c>).</summary>
    IDrillJournal Journal { get; }
}

/// <summary>Drill evidence: every result recorded, the latest of each scenario read by the drill gate.</summary>
public interface IDrillJournal : IDrillEvidenceSource
{
    Task RecordAsync(DrillResult result, CancellationToken cancellationToken);

    /// <summary>The environment's drills, oldest first.</summary>
    Task<IReadOnlyList<DrillResult>> ListAsync(string environment, CancellationToken cancellationToken);
}

/// <summary>What the drill gate reads.</summary>
public interface IDrillEvidenceSource
{
    /// <summary>The latest drill of <paramref name="scenario"/> on <paramref name="environment"/>, or null when none ran.</summary>
    Task<DrillResult?> LatestAsync(string environment, string scenario, CancellationToken cancellationToken);
}

using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>Where the dependency gate reads another service's journal on the same environment.</summary>
public interface IRequirementSource
{
    /// <summary>How the required phase stands in its service's journal on this environment.</summary>
    Task<RequirementState> ReadAsync(Requirement requirement, CancellationToken cancellationToken);
}

/// <summary>A required phase as its service's journal records it.</summary>
/// <param name="Status">The phase's status; null when the service has no journal on the environment (never promoted there).</param>
/// <param name="DoneAt">When it finished, when done.</param>
/// <param name="ScheduledEarlier">True when the release at hand (a train) runs it before the phase that needs it.</param>
public sealed record RequirementState(Requirement Requirement, JournalStatus? Status, DateTimeOffset? DoneAt, bool ScheduledEarlier = false);

/// <summary>Reads required phases from each service's <see cref="IMigrationJournal"/>, found by service name.</summary>
/// <param name="journalOf">The service's journal on the environment; null when it has none there.</param>
public sealed class JournalRequirementSource(Func<string, CancellationToken, Task<IMigrationJournal?>> journalOf) : IRequirementSource
{
    public async Task<RequirementState> ReadAsync(Requirement requirement, CancellationToken cancellationToken)
    {
        if (await journalOf(requirement.Service, cancellationToken) is not { } journal) return new RequirementState(requirement, null, null);
        var phase = (await journal.ReadPhasesAsync(requirement.PlanId, cancellationToken)).FirstOrDefault(p => p.Phase == requirement.Phase);
        return new RequirementState(requirement, phase?.Status ?? JournalStatus.Pending, phase?.Status == JournalStatus.Done ? phase.FinishedAt : null);
    }
}

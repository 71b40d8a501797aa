using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Migrations.Status;

/// <summary>Reads <see cref="MigrationStatusReport"/>: plans from the files, everything else from the journal.</summary>
public sealed class MigrationStatusReader(MigrationProviders providers)
{
    public async Task<MigrationStatusReport> ReadAsync(string environment, IReadOnlyList<MigrationPlan> plans, CancellationToken cancellationToken,
        int eventsPerPlan = 5)
    {
        await providers.Journal.EnsureAsync(cancellationToken);
        var journal = await providers.Journal.ReadAllAsync(eventsPerPlan, cancellationToken);
        var holder = await providers.Leases.ReadHolderAsync(environment, cancellationToken);
        var durations = providers.PhaseDurations is { } source ? await source.ReadAllAsync(cancellationToken) : [];
        return MigrationStatusReport.Combine(environment, plans, journal, holder) with { Durations = durations };
    }
}

using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Releases;

namespace Sluice.Environments;

/// <summary>
/// One run's hold on the selected environment: opened once by its provider, shared by every component, disposed when
/// the run ends. It holds the service's plans (loaded and validated once, at preflight: the objects gated are the
/// objects run), who runs (read once), and the services that act on the environment. Its connection details never
/// leave the provider; its lease is taken once, by the engine, for the targets that act on the environment.
/// </summary>
public interface IEnvironmentSession : IAsyncDisposable
{
    /// <summary>The environment's name (<c>--env</c>).</summary>
    string Environment { get; }

    /// <summary>Where its database is, without credentials (<c>127.0.0.1:5433/shop</c>): for messages.</summary>
    string Location { get; }

    /// <summary>The service's plans, as loaded at preflight.</summary>
    ServicePlans Plans { get; }

    /// <summary>Who runs, recorded with every phase, event, decision and the lease.</summary>
    RunnerIdentity By { get; }

    /// <summary>Migrate, Rollback and Status, under the lease the engine holds.</summary>
    MigrationService Migrations { get; }

    /// <summary>Gate, Approve, Promote and Rollback, under the lease the engine holds.</summary>
    ReleaseService Releases { get; }

    /// <summary>What the gates read here: journal, approvals, replication, other environments, snapshots, rehearsals, drift.</summary>
    GateSources Gates { get; }

    /// <summary>The environment's snapshots.</summary>
    IEnvironmentSnapshots Snapshots { get; }

    /// <summary>Its data profile and rehearsals of its pending plans.</summary>
    IEnvironmentRehearsals Rehearsals { get; }

    /// <summary>Disaster drills on copies of the environment, and their evidence.</summary>
    Drills.IEnvironmentDrills Drills { get; }

    /// <summary>The database as its service's schema: seeding from <c>schema/*.sql</c>, accepting the live schema.</summary>
    IEnvironmentSchema Schema { get; }

    /// <summary>The environment's migration journal, for what only reads it (Status, <c>--continue-only</c>).</summary>
    IMigrationJournal Journal { get; }

    /// <summary>Recent rollbacks, gate decisions and approvals.</summary>
    IReleaseJournal ReleaseJournal { get; }

    /// <summary>The canary's journal, the database's signals per version and the dual-write parity probe.</summary>
    Canary.Running.IEnvironmentCanaries Canaries { get; }

    /// <summary>The release trains this service was part of (journal step 11).</summary>
    Trains.ITrainJournal Trains { get; }
    /// <summary>The environment's streaming replica, where it has one (a local environment's <c>replica</c>); else null.</summary>
    IEnvironmentReplica? Replica => null;

    /// <summary>Background traffic on the environment's tables for Promote (<see cref="IEnvironmentWorkload"/>); null
    /// where the session offers none.</summary>
    IEnvironmentWorkload? Workload => null;

    /// <summary>A request for the plans of this session (<paramref name="migrationId"/>, or all), by its runner.</summary>
    MigrationRequest Migration(string? migrationId = null, TimeSpan? timeBudget = null);

    /// <summary>What Gate and Promote act on: <paramref name="migration"/>, the environment's definition, the environments
    /// before it in the promotion order (<see cref="EnvironmentCatalog"/>), the gate sources and the snapshot to take.</summary>
    PromoteRequest Release(MigrationRequest migration);

    /// <summary>Takes the environment's lease for <see cref="By"/>; disposing it releases it. Throws Busy (exit 3)
    /// naming the holder when another runner has it. Until it is taken, nothing here changes the environment.</summary>
    Task<IEnvironmentLease> AcquireLeaseAsync(CancellationToken cancellationToken);
}

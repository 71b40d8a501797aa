using Npgsql;
using Sluice.Drills;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Environments;
using Sluice.Postgres.Snapshots;
using Sluice.Snapshots;

namespace Sluice.Postgres.Drills;

/// <summary>
/// An environment's drills on PostgreSQL. The copies are throwaway databases on the environment's own server (it
/// needs CREATEDB there): the working copy is restored from the latest verified snapshot, or, when there is none and
/// the scenario does not need one, made as a template copy of the environment's database (PostgreSQL allows that only
/// while nobody is connected to it; the session's own idle connections are closed first). The reference copy is a
/// template copy of the working one. Evidence goes to the environment's <c>sluice.drills</c>.
/// </summary>
internal sealed class PostgresEnvironmentDrills(EnvironmentSessionRequest request, string connectionString, NpgsqlDataSource dataSource,
    PostgresEnvironmentSnapshots snapshots) : IEnvironmentDrills
{
    public IDrillJournal Journal { get; } = new PostgresDrillJournal(dataSource, request.Secrets);

    public async Task<IDrillCopies> CopyAsync(DrillNeeds needs, CancellationToken cancellationToken)
    {
        DrillCopyGuard.EnsureCopiesCannotBe(connectionString, request.Environment);
        if (needs.HasFlag(DrillNeeds.Replica) && request.EffectiveSpec.Replica is null)
            throw Unmet($"the scenario practises losing a primary that has a streaming replica, and '{request.Environment}' has none",
                $"give '{request.Environment}' a replica (\"replica\": {{}} in .nuke/parameters.{request.Environment}.json), or drill corrupted-table, killed-backfill or failed-contract here");
        if (request.EffectiveSpec.IsCloud && string.IsNullOrEmpty(request.DatabaseOverride))
            throw Unmet($"'{request.Environment}' is a managed server ({request.EffectiveSpec.Provider.ToString().ToLowerInvariant()}); drills copy onto the environment's own PostgreSQL server, which a managed one does not offer here",
                "drill a local or connection environment restored from the same snapshots");
        var snapshot = await LatestVerifiedAsync(cancellationToken);
        if (needs.HasFlag(DrillNeeds.VerifiedSnapshot) && snapshot is null)
            throw Unmet($"the scenario recovers from the latest verified snapshot, and '{request.Environment}' has none in {snapshots.Catalog.Folder}",
                $"./build.sh Snapshot VerifySnapshot --env {request.Environment}");
        var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
        var databases = new EphemeralDatabases(server);
        if (needs.HasFlag(DrillNeeds.Replica)) return await ReplicatedCopiesAsync(databases, snapshot!, cancellationToken);
        EphemeralDatabase working;
        string source;
        if (snapshot is not null)
        {
            working = await CopyOfAsync(snapshot.Id, databases, cancellationToken);
            source = $"snapshot {snapshot.Id}";
        }
        else
        {
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
            dataSource.Clear();
            working = await databases.CloneAsync(database, cancellationToken);
            source = $"a template copy of {database} (no verified snapshot)";
        }
        EphemeralDatabase reference;
        try
        {
            DrillCopyGuard.EnsureNotEnvironment(connectionString, working.ConnectionString, request.Environment);
            reference = await databases.CloneAsync(working.Name, cancellationToken);
            DrillCopyGuard.EnsureNotEnvironment(connectionString, reference.ConnectionString, request.Environment);
        }
        catch
        {
            await working.DisposeAsync();
            throw;
        }
        var plans = request.Plans();
        return new PostgresDrillCopies(Copy(working, plans), Copy(reference, plans), source);
    }

    /// <summary>The lost-primary drill's copies: the reference restored from the snapshot on the environment's server,
    /// the working copy restored from it onto a throwaway primary with a streaming standby of its own (never the
    /// environment's replica, which keeps following the environment).</summary>
    private async Task<IDrillCopies> ReplicatedCopiesAsync(EphemeralDatabases databases, SnapshotManifest snapshot, CancellationToken cancellationToken)
    {
        var reference = await CopyOfAsync(snapshot.Id, databases, cancellationToken);
        PostgresDrillStandby? standby = null;
        try
        {
            standby = await PostgresDrillStandby.StartAsync(await PostgresToolchain.DetectAsync(cancellationToken), cancellationToken);
            var working = await CopyOfAsync(snapshot.Id, new EphemeralDatabases(standby.AdminConnectionString), cancellationToken);
            var plans = request.Plans();
            return new PostgresDrillCopies(Copy(working, plans, standby), Copy(reference, plans),
                $"snapshot {snapshot.Id} (the working copy on a throwaway primary with a streaming standby)");
        }
        catch
        {
            if (standby is not null) await standby.DisposeAsync();
            await reference.DisposeAsync();
            throw;
        }
    }

    private PostgresDrillCopy Copy(EphemeralDatabase database, Sluice.Migrations.Plans.ServicePlans servicePlans, PostgresDrillStandby? standby = null) =>
        new(database, servicePlans, request.By, request.Secrets, async (target, ct) =>
        {
            var latest = await LatestVerifiedAsync(ct) ?? throw Unmet($"'{request.Environment}' has no verified snapshot to restore",
                $"./build.sh Snapshot VerifySnapshot --env {request.Environment}");
            await RestoreIntoCopyAsync(latest.Id, target, ct);
            return latest.Id;
        }, standby);

    /// <summary>A <see cref="SnapshotCopy"/> of snapshot <paramref name="id"/> on <paramref name="server"/>.</summary>
    private Task<EphemeralDatabase> CopyOfAsync(string id, EphemeralDatabases server, CancellationToken cancellationToken) =>
        SnapshotCopy.MakeAsync(server, (target, ct) => RestoreIntoCopyAsync(id, target, ct), cancellationToken);

    // A restore drops and recreates its target: it must never be the environment's database.
    private async Task RestoreIntoCopyAsync(string id, string target, CancellationToken cancellationToken)
    {
        DrillCopyGuard.EnsureNotEnvironment(connectionString, target, request.Environment);
        await snapshots.RestoreIntoAsync(id, target, cancellationToken);
    }

    private async Task<SnapshotManifest?> LatestVerifiedAsync(CancellationToken cancellationToken) =>
        (await snapshots.Catalog.ListAsync(cancellationToken)).Where(m => m.Verified).MaxBy(m => m.CreatedAt);

    private static SluiceException Unmet(string message, string remedy) => SluiceException.Usage(ErrorCodes.DrillNeedUnmet, message, remedy);
}

using Sluice.Errors;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;

namespace Sluice.Rehearsal.FromSnapshot;

/// <summary>What <c>Rehearse --from-snapshot</c> asks for, and where the copy would be.</summary>
/// <param name="Requested">A snapshot id, or <see cref="RehearsalSnapshotChoice.Latest"/>.</param>
/// <param name="Environment">The environment rehearsed (<c>--env</c>).</param>
/// <param name="SpecFile">Its definition file, named by a refusal that a key there would lift.</param>
/// <param name="Kind">Where the environment is: local, a server elsewhere, or a managed service.</param>
/// <param name="Cloud">Its <c>cloud</c> object, for <c>rds</c> and <c>azure_flexible</c>.</param>
/// <param name="WorkloadRuns">How many seeded workloads were asked for.</param>
/// <param name="ClusterStatements">A pending plan declares statements that act on the whole cluster.</param>
public sealed record RehearsalSnapshotRequest(string Requested, string Environment, string SpecFile, RehearsalSnapshotSource Kind,
    CloudDefinition? Cloud, int WorkloadRuns, bool ClusterStatements);

/// <summary>Where an environment's snapshots come from, as far as rehearsing on one is concerned.</summary>
public enum RehearsalSnapshotSource
{
    /// <summary>A server on this machine (a unix socket or a loopback address): its data is this machine's already.</summary>
    Local,
    /// <summary>A server elsewhere, reached by a connection string.</summary>
    Remote,
    /// <summary>A managed service (<c>rds</c>, <c>azure_flexible</c>): a copy is a new instance or server, paid for.</summary>
    Cloud,
}

/// <summary>
/// Which snapshot a rehearsal on real data restores, or why it must not (<c>SLU260</c>, exit 2, before anything is
/// restored). The first row that matches decides:
/// <list type="number">
/// <item>A managed service whose <c>cloud.rehearse_on_copy</c> is not true → refused: the copy holds the environment's
/// real data and costs an instance; the team allows it in the definition file.</item>
/// <item>A server elsewhere (not a unix socket or loopback address) → refused: its dump would be restored onto this
/// runner, and no key of such an environment says that is allowed (rehearse on a managed service's copy, or on
/// synthetic data).</item>
/// <item>A managed service and <c>--workload-runs</c> above 1 → refused (cost guard): each further workload clones the
/// whole restored database on the copy's own disk, which is sized for one.</item>
/// <item><c>latest</c> and no snapshot in the folder → refused: take one and verify it.</item>
/// <item><c>latest</c> and no verified snapshot whose files are intact → refused, naming the newest.</item>
/// <item><c>latest</c> → the newest verified snapshot whose files are intact.</item>
/// <item>An id that is not in the folder → refused, naming the folder.</item>
/// <item>An id whose manifest or files are damaged → refused, saying what is wrong.</item>
/// <item>An id not verified → refused: a rehearsal on data nobody proved restorable proves nothing.</item>
/// <item>A template snapshot while a pending plan declares cluster statements → refused: its copy is a database on the
/// environment's own server, which the rehearsal must not change.</item>
/// <item>Otherwise → that snapshot.</item>
/// </list>
/// Whether the snapshot is as far along as the environment is checked on the copy itself (<c>SLU263</c>).
/// </summary>
public static class RehearsalSnapshotChoice
{
    public const string Latest = "latest";

    public static async Task<SnapshotManifest> ChooseAsync(RehearsalSnapshotRequest request, SnapshotCatalog catalog, CancellationToken cancellationToken)
    {
        var env = request.Environment;
        if (request.Kind == RehearsalSnapshotSource.Cloud && request.Cloud?.RehearseOnCopy != true)
            throw Refused($"'{env}' does not allow rehearsing on a restored copy of its data (cloud.rehearse_on_copy is not true)",
                "the copy holds the environment's real data and is an instance you pay for: set \"rehearse_on_copy\": true in the cloud object if the team allows it, or rehearse on synthetic data (without --from-snapshot)",
                request.SpecFile);
        if (request.Kind == RehearsalSnapshotSource.Remote)
            throw Refused($"'{env}' is a server elsewhere: rehearsing on its snapshot would restore its real data onto this runner",
                "rehearse on synthetic data that follows its profile (without --from-snapshot), or on a copy of a managed service (rds, azure_flexible with rehearse_on_copy)",
                request.SpecFile);
        if (request.Kind == RehearsalSnapshotSource.Cloud && request.WorkloadRuns > 1)
            throw Refused($"--workload-runs {request.WorkloadRuns} on a restored copy: each further workload clones the whole restored database on the copy's own disk",
                "rehearse on a copy with --workload-runs 1 (the default there), and under several seeds on synthetic data");

        var manifest = request.Requested.Equals(Latest, StringComparison.OrdinalIgnoreCase)
            ? await LatestAsync(env, catalog, cancellationToken)
            : await NamedAsync(request.Requested, env, catalog, cancellationToken);
        if (manifest.Format == SnapshotFormat.Template && request.ClusterStatements)
            throw Refused($"snapshot {manifest.Id} is a template database on '{env}''s own server, and a pending plan declares cluster statements",
                $"take a pg_dump snapshot (./build.sh Snapshot --env {env}, then VerifySnapshot): its copy goes to a throwaway cluster of its own");
        return manifest;
    }

    private static async Task<SnapshotManifest> LatestAsync(string env, SnapshotCatalog catalog, CancellationToken cancellationToken)
    {
        var all = await catalog.InspectAsync(checkFiles: false, cancellationToken);
        if (all.Count == 0)
            throw Refused($"'{env}' has no snapshot to rehearse on (none in {catalog.Folder})",
                $"take one and verify it: ./build.sh Snapshot --env {env}, then ./build.sh VerifySnapshot --env {env}");
        return await catalog.LatestIntactVerifiedAsync(cancellationToken)
            ?? throw Refused($"'{env}' has no verified snapshot to rehearse on; the newest, {all[0].Id}, is {(all[0].Damage is { } damage ? $"damaged: {damage}" : "not verified")}",
                $"verify it: ./build.sh VerifySnapshot --env {env} --snapshot {all[0].Id}", catalog.PathOf(all[0].Id));
    }

    private static async Task<SnapshotManifest> NamedAsync(string id, string env, SnapshotCatalog catalog, CancellationToken cancellationToken)
    {
        if (!SnapshotIds.IsValid(id) || !Directory.Exists(catalog.PathOf(id)))
            throw Refused($"'{env}' has no snapshot '{id}' (in {catalog.Folder})",
                $"list them with ./build.sh Snapshots --env {env}, or use --from-snapshot latest");
        SnapshotManifest manifest;
        try
        {
            (_, manifest) = await catalog.LoadCheckedAsync(id, cancellationToken);
        }
        catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
        {
            throw Refused($"snapshot {id} cannot be rehearsed on: {e.Message}", "take a new snapshot and verify it", e.File ?? catalog.PathOf(id), e);
        }
        if (!manifest.Verified)
            throw Refused($"snapshot {id} is not verified: a rehearsal on data nobody proved restorable proves nothing",
                $"verify it first: ./build.sh VerifySnapshot --env {env} --snapshot {id}", Path.Combine(catalog.PathOf(id), SnapshotManifest.FileName));
        return manifest;
    }

    private static SluiceException Refused(string message, string remedy, string? file = null, Exception? inner = null) =>
        SluiceException.Usage(ErrorCodes.CopyRehearsalNotAllowed, message, remedy, file, inner: inner);
}

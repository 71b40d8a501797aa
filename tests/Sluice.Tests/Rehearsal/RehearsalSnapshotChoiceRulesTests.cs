using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Rehearsal.FromSnapshot;
using Sluice.Secrets;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;

namespace Sluice.Tests.Rehearsal;

/// <summary>The rows of <see cref="RehearsalSnapshotChoice"/>, one test each, on a real snapshot folder of manifests.</summary>
public sealed class RehearsalSnapshotChoiceRulesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SnapshotCatalog _catalog = new(Directory.CreateTempSubdirectory("rehearsal-snapshot-choice-").FullName);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_catalog.Folder, recursive: true);

    private static RehearsalSnapshotRequest Request(string requested = RehearsalSnapshotChoice.Latest, RehearsalSnapshotSource kind = RehearsalSnapshotSource.Local,
        bool rehearseOnCopy = true, int workloadRuns = 1, bool clusterStatements = false) =>
        new(requested, "production", ".nuke/parameters.production.json", kind,
            kind == RehearsalSnapshotSource.Cloud ? new CloudDefinition { Instance = "shop-prod", Region = "eu-west-1", RehearseOnCopy = rehearseOnCopy } : null,
            workloadRuns, clusterStatements);

    private async Task<SnapshotManifest> WriteAsync(TimeSpan age, bool verified, SnapshotFormat format = SnapshotFormat.Custom, bool damaged = false)
    {
        var id = SnapshotIds.New(Now - age);
        var manifest = new SnapshotManifest
        {
            Id = id, Environment = "production", Source = "127.0.0.1:5432/shop", Format = format, CreatedAt = Now - age,
            Fingerprint = new DatabaseFingerprint(new SchemaFingerprint([]), new DataFingerprint([])),
            VerifiedAt = verified ? Now - age + TimeSpan.FromMinutes(1) : null,
            Files = damaged ? [new SnapshotFile("dump", 10, new string('0', 64))] : [],
        };
        Directory.CreateDirectory(_catalog.PathOf(id));
        await ManifestFile.WriteAsync(_catalog.PathOf(id), manifest, SecretValues.None, Ct);
        return manifest;
    }

    private async Task<SluiceException> RefusedAsync(RehearsalSnapshotRequest request)
    {
        var refused = await Assert.ThrowsAsync<SluiceException>(() => RehearsalSnapshotChoice.ChooseAsync(request, _catalog, Ct));
        Assert.Equal(ErrorCodes.CopyRehearsalNotAllowed, refused.Code);
        Assert.Equal(ErrorKind.Usage, refused.Kind);
        Assert.NotNull(refused.Remedy);
        return refused;
    }

    [Fact]
    public async Task Row1_a_managed_service_without_rehearse_on_copy_is_refused_naming_the_key_and_the_file()
    {
        await WriteAsync(TimeSpan.FromHours(1), verified: true, SnapshotFormat.Provider);
        var refused = await RefusedAsync(Request(kind: RehearsalSnapshotSource.Cloud, rehearseOnCopy: false));
        Assert.Contains("rehearse_on_copy", refused.Message);
        Assert.Equal(".nuke/parameters.production.json", refused.File);
    }

    [Fact]
    public async Task Row2_a_server_elsewhere_is_refused()
    {
        await WriteAsync(TimeSpan.FromHours(1), verified: true);
        Assert.Contains("server elsewhere", (await RefusedAsync(Request(kind: RehearsalSnapshotSource.Remote))).Message);
    }

    [Fact]
    public async Task Row3_more_than_one_workload_on_a_managed_service_copy_is_the_cost_guard()
    {
        await WriteAsync(TimeSpan.FromHours(1), verified: true, SnapshotFormat.Provider);
        Assert.Contains("--workload-runs 3", (await RefusedAsync(Request(kind: RehearsalSnapshotSource.Cloud, workloadRuns: 3))).Message);
    }

    [Fact]
    public async Task Row4_latest_with_no_snapshot_is_refused_saying_how_to_take_one()
    {
        var refused = await RefusedAsync(Request());
        Assert.Contains("no snapshot", refused.Message);
        Assert.Contains("Snapshot --env production", refused.Remedy);
    }

    [Fact]
    public async Task Row5_latest_with_no_verified_intact_snapshot_is_refused_naming_the_newest()
    {
        await WriteAsync(TimeSpan.FromHours(2), verified: true, damaged: true);
        var newest = await WriteAsync(TimeSpan.FromHours(1), verified: false);
        var refused = await RefusedAsync(Request());
        Assert.Contains(newest.Id, refused.Message);
        Assert.Contains("not verified", refused.Message);
    }

    [Fact]
    public async Task Row6_latest_is_the_newest_verified_intact_snapshot()
    {
        var older = await WriteAsync(TimeSpan.FromHours(3), verified: true);
        var newer = await WriteAsync(TimeSpan.FromHours(2), verified: true);
        await WriteAsync(TimeSpan.FromHours(1), verified: false);
        Assert.NotEqual(older.Id, newer.Id);
        Assert.Equal(newer.Id, (await RehearsalSnapshotChoice.ChooseAsync(Request(), _catalog, Ct)).Id);
    }

    [Fact]
    public async Task Row7_an_unknown_id_is_refused_naming_the_folder()
    {
        await WriteAsync(TimeSpan.FromHours(1), verified: true);
        var refused = await RefusedAsync(Request("20260101T000000Z-abcdef"));
        Assert.Contains(_catalog.Folder, refused.Message);
    }

    [Fact]
    public async Task Row8_a_damaged_id_is_refused_saying_what_is_wrong()
    {
        var damaged = await WriteAsync(TimeSpan.FromHours(1), verified: true, damaged: true);
        var refused = await RefusedAsync(Request(damaged.Id));
        Assert.Contains("missing", refused.Message);
        Assert.Contains(damaged.Id, refused.File);
    }

    [Fact]
    public async Task Row9_an_unverified_id_is_refused_saying_how_to_verify_it()
    {
        var unverified = await WriteAsync(TimeSpan.FromHours(1), verified: false);
        var refused = await RefusedAsync(Request(unverified.Id));
        Assert.Contains($"VerifySnapshot --env production --snapshot {unverified.Id}", refused.Remedy);
    }

    [Fact]
    public async Task Row10_a_template_snapshot_while_a_plan_declares_cluster_statements_is_refused()
    {
        var template = await WriteAsync(TimeSpan.FromHours(1), verified: true, SnapshotFormat.Template);
        Assert.Contains("cluster statements", (await RefusedAsync(Request(template.Id, clusterStatements: true))).Message);
    }

    [Fact]
    public async Task Row11_otherwise_the_named_verified_snapshot_with_what_the_report_records()
    {
        await WriteAsync(TimeSpan.FromHours(1), verified: true);
        var named = await WriteAsync(TimeSpan.FromHours(2), verified: true, SnapshotFormat.Provider);
        var chosen = await RehearsalSnapshotChoice.ChooseAsync(Request(named.Id, RehearsalSnapshotSource.Cloud), _catalog, Ct);
        Assert.Equal(named.Id, chosen.Id);
        var recorded = RehearsalSnapshot.Of(chosen);
        Assert.Equal((named.Id, SnapshotFormat.Provider, named.VerifiedAt!.Value), (recorded.Id, recorded.Format, recorded.VerifiedAt));
    }
}

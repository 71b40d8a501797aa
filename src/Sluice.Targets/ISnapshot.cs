using Npgsql;
using Sluice.Build;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Snapshots;
using Sluice.Snapshots;

namespace Sluice.Targets;

/// <summary>
/// <c>Snapshot</c> dumps the environment's database into <c>.sluice/snapshots/&lt;env&gt;/&lt;id&gt;/</c> with a manifest
/// holding the fingerprint taken in the dump's own snapshot. <c>VerifySnapshot</c> restores one (the latest, or
/// <c>--snapshot ID</c>) into a throwaway database and compares; only then is it verified. <c>RestoreSnapshot --snapshot ID</c>
/// replaces the environment's database (a non-local environment needs <c>--force</c>). <c>Snapshots</c> lists them.
/// <para>Not named <c>Restore</c>: NUKE-style builds already have a <c>Restore</c> (NuGet) target, which would hide it.</para>
/// <para><c>--snapshot-format template</c> keeps the copy as a template database on the same server (local environments only).</para>
/// </summary>
public interface ISnapshot : ISluiceComponent
{
    [Parameter("VerifySnapshot, RestoreSnapshot: the snapshot id (VerifySnapshot defaults to the latest)", Name = "Snapshot")]
    string? SnapshotId => this.Parameter<string>();

    [Parameter("Snapshot: custom (one file), directory (parallel dump and restore) or template (a database copy; local only); default custom")]
    SnapshotFormat? SnapshotFormat => this.Parameter<SnapshotFormat?>();

    [Parameter("RestoreSnapshot: allow restoring over an environment that is not local")]
    bool Force => this.Parameter<bool>();

    Target Snapshot => _ => _
        .Description("Dumps the environment's database into .sluice/snapshots/<env>/<id>/ with a fingerprinted manifest")
        .Executes(async ct =>
        {
            var connectionString = await EnvironmentAccess.ConnectionStringAsync(this, ct);
            var manifest = await (await SnapshotAccess.StoreAsync(this, connectionString, ct)).CreateAsync(connectionString, ct);
            Host.Info($"snapshot {manifest.Id} of {manifest.Source}: {manifest.TotalBytes:N0} bytes, {manifest.Fingerprint.Data.Tables.Count} tables, "
                + $"{manifest.Fingerprint.Data.Tables.Sum(t => t.Rows):N0} rows, schema {manifest.Fingerprint.Schema.Hash[..12]}; not verified yet (run VerifySnapshot)");
            Host.SetOutput("snapshot", manifest.Id);
        });

    Target VerifySnapshot => _ => _
        .Description("Checks a snapshot's files, restores it into a throwaway database and compares fingerprints (--snapshot ID, default the latest)")
        .Executes(async ct =>
        {
            var connectionString = await EnvironmentAccess.ConnectionStringAsync(this, ct);
            var store = await SnapshotAccess.StoreAsync(this, connectionString, ct);
            var id = SnapshotId ?? await SnapshotAccess.Catalog(this).LatestAsync(ct);
            if (SnapshotId is null) Host.Info($"verifying the latest snapshot, {id}");
            var verification = await store.VerifyAsync(id, ct);
            Host.Info($"snapshot {id} verified: {verification.FilesChecked} file(s) intact, {verification.Tables} tables and {verification.Rows:N0} rows "
                + $"restored equal to the recorded fingerprint in {verification.Elapsed.TotalSeconds:F1} s");
            Host.SetOutput("snapshot", id);
        });

    Target RestoreSnapshot => _ => _
        .Description("Replaces the environment's database with a snapshot (--snapshot ID; --force for a non-local environment)")
        // No .Environment(): the lease lives in the database being replaced (schema sluice), which the restore drops
        // and brings back as it was at snapshot time, journal included.
        .Executes(async ct =>
        {
            var id = SnapshotId ?? throw new UsageException(EngineErrorCodes.MissingParameter, "RestoreSnapshot needs --snapshot ID", "list snapshots with the Snapshots target");
            if (!SnapshotAccess.IsLocal(this) && !Force)
                throw SluiceException.Usage(ErrorCodes.RestoreRefused,
                    $"refusing to restore over environment '{Env}': it is not a local cluster ({(string.IsNullOrEmpty(Database) ? "its provider is " + EnvironmentDefinition?.Provider.ToString().ToLowerInvariant() : "--database points elsewhere")})", "pass --force if replacing its database is really intended");
            var connectionString = await EnvironmentAccess.ConnectionStringAsync(this, ct);
            SnapshotAccess.Catalog(this).Find(id);
            await (await SnapshotAccess.StoreAsync(this, connectionString, ct)).RestoreAsync(id, connectionString, ct);
            Host.Info($"environment {Env} restored from snapshot {id}; its fingerprint equals the snapshot's");
        });

    Target Snapshots => _ => _
        .Description("Lists the environment's snapshots, newest first, checking each one's files (a damaged one is listed as damaged, and why)")
        .Executes(async ct =>
        {
            var entries = await SnapshotAccess.Catalog(this).InspectAsync(checkFiles: true, ct);
            if (entries.Count == 0) Host.Info($"no snapshots of {Env} in {SnapshotAccess.Catalog(this).Folder}");
            foreach (var entry in entries)
            {
                if (entry.Manifest is not { } m) { Host.Warning($"{entry.Id}  DAMAGED: {entry.Damage}"); continue; }
                var line = $"{m.Id}  {m.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {m.Format.ToString().ToLowerInvariant(),-9}  {m.TotalBytes,14:N0} bytes  "
                    + $"{m.Fingerprint.Data.Tables.Sum(t => t.Rows),12:N0} rows  ";
                if (entry.Intact) Host.Info(line + (m.Verified ? $"verified {m.VerifiedAt:yyyy-MM-dd HH:mm:ss}Z" : "not verified"));
                else Host.Warning(line + $"DAMAGED: {entry.Damage}");
            }
        });
}

/// <summary>The snapshot store of the selected environment.</summary>
public static class SnapshotAccess
{
    public static SnapshotCatalog Catalog(ISnapshot build) => new(SnapshotIds.DefaultFolder(build.Root, build.Env), build.Redactor());

    /// <summary>The embedded default or a <c>local</c> definition, and no <c>--database</c> pointing elsewhere.</summary>
    public static bool IsLocal(ISluiceComponent build) =>
        string.IsNullOrEmpty(build.Database) && (build.EnvironmentDefinition?.Provider ?? EnvironmentProviderKind.Local) == EnvironmentProviderKind.Local;

    /// <summary>A pg_dump store (a local environment verifies on its own server, any other on a throwaway local
    /// cluster), or for <c>--snapshot-format template</c> on a local environment a template store.</summary>
    public static async Task<ISnapshotStore> StoreAsync(ISnapshot build, string connectionString, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
        if (build.SnapshotFormat == Snapshots.SnapshotFormat.Template)
        {
            if (!IsLocal(build))
                throw new UsageException(EngineErrorCodes.BadParameter, $"--snapshot-format template keeps copies on the environment's own server; '{build.Env}' is not local",
                    "use custom or directory");
            return new TemplateSnapshotStore(new TemplateSnapshotOptions { Folder = Catalog(build).Folder, Environment = build.Env, Server = server, Redactor = build.Redactor() });
        }
        return new PgDumpSnapshotStore(new PgDumpSnapshotOptions
        {
            Folder = Catalog(build).Folder,
            Environment = build.Env,
            Redactor = build.Redactor(),
            Format = build.SnapshotFormat ?? Snapshots.SnapshotFormat.Custom,
            VerifyServer = IsLocal(build) ? server : null,
        }, await PostgresToolchain.DetectAsync(cancellationToken, new HostLogger(build.Host)));
    }
}

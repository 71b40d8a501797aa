using Sluice.Build;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Snapshots;

namespace Sluice.Targets;

/// <summary>
/// <c>Snapshot</c> dumps the environment's database into <c>.sluice/snapshots/&lt;env&gt;/&lt;id&gt;/</c> with a manifest
/// holding the fingerprint taken in the dump's own snapshot. <c>VerifySnapshot</c> restores one (the latest, or
/// <c>--snapshot ID</c>) into a throwaway database and compares; only then is it verified. <c>RestoreSnapshot --snapshot ID</c>
/// replaces the environment's database (a non-local environment needs <c>--force</c>). <c>Snapshots</c> lists them.
/// <para>Not named <c>Restore</c>: NUKE-style builds already have a <c>Restore</c> (NuGet) target, which would hide it.</para>
/// <para><c>--snapshot-format template</c> keeps the copy as a template database on the same server (local environments only).</para>
/// <para>On an <c>rds</c> or <c>azure_flexible</c> environment the snapshot is the provider's own, verified on a throwaway
/// copy that is always deleted (docs/cloud.md).</para>
/// </summary>
public interface ISnapshot : ISluiceComponent
{
    [Parameter("VerifySnapshot, RestoreSnapshot: the snapshot id (VerifySnapshot defaults to the latest)", Name = "Snapshot")]
    string? SnapshotId => this.Parameter<string>();

    [Parameter("Snapshot: custom (one file), directory (parallel dump and restore), template (a database copy; local only) or provider (the managed service's own; rds and azure_flexible, where it is the default); default custom")]
    SnapshotFormat? SnapshotFormat => this.Parameter<SnapshotFormat?>();

    [Parameter("RestoreSnapshot: allow restoring over an environment that is not local")]
    bool Force => this.Parameter<bool>();

    Target Snapshot => _ => _
        .Description("Dumps the environment's database into .sluice/snapshots/<env>/<id>/ with a fingerprinted manifest")
        .Environment()
        .Validates(_ => CheckSnapshotFormat())
        .Executes(async ct =>
        {
            var manifest = await Session.Snapshots.TakeAsync(ct);
            Host.Info($"snapshot {manifest.Id} of {manifest.Source}: {manifest.TotalBytes:N0} bytes, {manifest.Fingerprint.Data.Tables.Count} tables, "
                + $"{manifest.Fingerprint.Data.Tables.Sum(t => t.Rows):N0} rows, schema {manifest.Fingerprint.Schema.Hash[..12]}; not verified yet (run VerifySnapshot)");
            Host.SetOutput("snapshot", manifest.Id);
        });

    Target VerifySnapshot => _ => _
        .Description("Checks a snapshot's files, restores it into a throwaway database and compares fingerprints (--snapshot ID, default the latest)")
        .Validates(_ => CheckSnapshotFormat())
        .Executes(async ct =>
        {
            var snapshots = (await SessionAsync(ct)).Snapshots;
            var id = SnapshotId ?? await snapshots.Catalog.LatestAsync(ct);
            if (SnapshotId is null) Host.Info($"verifying the latest snapshot, {id}");
            var verification = await snapshots.VerifyAsync(id, ct);
            Host.Info($"snapshot {id} verified: {verification.FilesChecked} file(s) intact, {verification.Tables} tables and {verification.Rows:N0} rows "
                + $"restored equal to the recorded fingerprint in {verification.Elapsed.TotalSeconds:F1} s");
            Host.SetOutput("snapshot", id);
        });

    Target RestoreSnapshot => _ => _
        .Description("Replaces the environment's database with a snapshot (--snapshot ID; --force for a non-local environment)")
        // Under the lease, though the restore drops the database the lease row lives in: the lease's lock lives in the
        // maintenance database, so no second runner can slip in while the database is gone (PostgresLeaseProvider).
        .Environment()
        .Validates(_ => CheckRestoreAsync())
        .Executes(async ct =>
        {
            var id = SnapshotId!;
            await Session.Snapshots.RestoreAsync(id, ct);
            Host.Info($"environment {Env} restored from snapshot {id}; its fingerprint equals the snapshot's");
        });

    Target Snapshots => _ => _
        .Description("Lists the environment's snapshots, newest first, checking each one's files (a damaged one is listed as damaged, and why)")
        .Executes(async ct =>
        {
            var entries = await Catalog.InspectAsync(checkFiles: true, ct);
            if (entries.Count == 0) Host.Info($"no snapshots of {Env} in {Catalog.Folder}");
            foreach (var entry in entries)
            {
                if (entry.Manifest is not { } m) { Host.Warning($"{entry.Id}  DAMAGED: {entry.Damage}"); continue; }
                var line = $"{m.Id}  {m.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {m.Format.ToString().ToLowerInvariant(),-9}  {m.TotalBytes,14:N0} bytes  "
                    + $"{m.Fingerprint.Data.Tables.Sum(t => t.Rows),12:N0} rows  ";
                if (entry.Intact) Host.Info(line + (m.Verified ? $"verified {m.VerifiedAt:yyyy-MM-dd HH:mm:ss}Z" : "not verified"));
                else Host.Warning(line + $"DAMAGED: {entry.Damage}");
            }
        });

    /// <summary>The environment's snapshots, listed without opening it (Snapshots reads only files).</summary>
    SnapshotCatalog Catalog => new(SnapshotIds.DefaultFolder(Root, Env), this.Redactor());

    /// <summary>A restore's refusals, before the lease is taken or anything touched: no id, an unknown one, or an
    /// environment that is not local without <c>--force</c>.</summary>
    async Task CheckRestoreAsync()
    {
        var id = SnapshotId ?? throw new UsageException(EngineErrorCodes.MissingParameter, "RestoreSnapshot needs --snapshot ID", "list snapshots with the Snapshots target");
        if (!SessionRequest.IsLocal && !Force)
            throw SluiceException.Usage(ErrorCodes.RestoreRefused,
                $"refusing to restore over environment '{Env}': it is not a local cluster ({(string.IsNullOrEmpty(Database) ? "its provider is " + EnvironmentDefinition?.Provider.ToString().ToLowerInvariant() : "--database points elsewhere")})", "pass --force if replacing its database is really intended");
        await CheckSnapshotFormat();
        Catalog.Find(id);
    }

    /// <summary><c>--snapshot-format template</c> keeps the copy on the environment's own server: local only. Checked
    /// before anything runs.</summary>
    Task CheckSnapshotFormat()
    {
        if (SnapshotFormat == Sluice.Snapshots.SnapshotFormat.Template && !SessionRequest.IsLocal)
            throw new UsageException(EngineErrorCodes.BadParameter, $"--snapshot-format template keeps copies on the environment's own server; '{Env}' is not local",
                "use custom or directory");
        if (SnapshotFormat == Sluice.Snapshots.SnapshotFormat.Provider && !(SessionRequest.EffectiveSpec.IsCloud && string.IsNullOrEmpty(Database)))
            throw new UsageException(EngineErrorCodes.BadParameter, $"--snapshot-format provider takes the managed service's own snapshot; '{Env}' is not an rds or azure_flexible environment",
                "use custom, directory or template");
        return Task.CompletedTask;
    }
}

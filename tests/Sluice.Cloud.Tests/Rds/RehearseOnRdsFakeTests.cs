using Sluice.Environments;
using Sluice.Errors;
using Sluice.Rehearsal.Runs;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary><c>Rehearse --from-snapshot</c> on an <c>rds</c> environment, through the session a build opens: the plans
/// run on an instance restored from the verified RDS snapshot (real rows, checked by the plan's verify), the report and
/// the evidence name the snapshot, and the copy is deleted whatever happened.</summary>
public sealed class RehearseOnRdsFakeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<SnapshotManifest> VerifiedSnapshotAsync(IEnvironmentSession session)
    {
        var manifest = await session.Snapshots.TakeAsync(Ct);
        await session.Snapshots.VerifyAsync(manifest.Id, Ct);
        return manifest;
    }

    [Fact]
    public async Task Fake_rds_rehearse_from_snapshot_runs_on_a_restored_copy_records_which_and_deletes_the_copy()
    {
        await using var leased = await LeasedRdsSession.StartAsync(postgres, rehearseOnCopy: true, Ct);
        var (env, session) = (leased.Env, leased.Session);
        var manifest = await VerifiedSnapshotAsync(session);

        var report = await session.Rehearsals.RehearseOnSnapshotAsync(new SnapshotRehearsalSettings("latest", null, 1, null), Ct);
        await session.Rehearsals.RecordEvidenceAsync(report, RehearsalReportFiles.ToJson(report), Ct);

        Assert.True(report.Passed, string.Join("; ", report.Findings.Select(f => $"{f.Rule}: {f.Message}")));
        var phase = Assert.Single(report.Phases);
        // The verify counts the source's 100 orders: the phases ran on the snapshot's data, not on an empty schema.
        Assert.Equal(("0001_add_note", true, true), (phase.Plan, phase.Verified, phase.Reversible));
        Assert.Equal(manifest.Id, report.Snapshot!.Id);
        Assert.Equal(SnapshotFormat.Provider, report.Snapshot.Format);
        Assert.Equal(manifest.ProviderSnapshot, report.Snapshot.ProviderSnapshot);
        Assert.Equal(0, report.SyntheticRows);
        Assert.Contains($"restored from snapshot {manifest.Id}", RehearsalReportFiles.ToMarkdown(report));
        // One restore for the verification, one for the rehearsal; both copies deleted.
        Assert.Equal(2, env.Fake.Calls.Count(c => c == "RestoreDBInstanceFromDBSnapshot"));
        Assert.Equal(2, env.Fake.Calls.Count(c => c == "DeleteDBInstance"));
        Assert.Empty(env.Fake.Copies);
        // The environment itself was not touched, and its journal's evidence says where the data came from.
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(env.Database.ConnectionString,
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'", Ct));
        Assert.Equal(manifest.Id, await TestSql.ScalarAsync<string>(env.Database.ConnectionString,
            "SELECT report->'report'->'snapshot'->>'id' FROM sluice.rehearsal_evidence WHERE plan_id = '0001_add_note'", Ct));
    }

    [Fact]
    public async Task Fake_rds_rehearse_from_snapshot_where_rehearse_on_copy_is_off_is_refused_before_any_restore()
    {
        await using var leased = await LeasedRdsSession.StartAsync(postgres, rehearseOnCopy: false, Ct);
        var (env, session) = (leased.Env, leased.Session);
        await VerifiedSnapshotAsync(session);

        var refused = await Assert.ThrowsAsync<SluiceException>(() =>
            session.Rehearsals.RehearseOnSnapshotAsync(new SnapshotRehearsalSettings("latest", null, 1, null), Ct));

        Assert.Equal((ErrorCodes.CopyRehearsalNotAllowed, ErrorKind.Usage), (refused.Code, refused.Kind));
        Assert.Contains("rehearse_on_copy", refused.Message);
        Assert.Equal(1, env.Fake.Calls.Count(c => c == "RestoreDBInstanceFromDBSnapshot"));
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_rehearse_from_a_snapshot_older_than_a_release_fails_naming_the_plan_and_deletes_the_copy()
    {
        await using var leased = await LeasedRdsSession.StartAsync(postgres, rehearseOnCopy: true, Ct);
        var (env, session) = (leased.Env, leased.Session);
        var manifest = await VerifiedSnapshotAsync(session);
        (await session.Migrations.MigrateAsync(session.Migration(), null, Ct)).ThrowIfIncomplete();

        var behind = await Assert.ThrowsAsync<SluiceException>(() =>
            session.Rehearsals.RehearseOnSnapshotAsync(new SnapshotRehearsalSettings(manifest.Id, null, 1, null), Ct));

        Assert.Equal(ErrorCodes.CopyJournalBehind, behind.Code);
        Assert.Contains("has done 0001_add_note since it was taken", behind.Message);
        Assert.Empty(env.Fake.Copies);
    }
}

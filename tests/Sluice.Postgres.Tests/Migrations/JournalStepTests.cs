using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>The journal's steps as the one owner of schema <c>sluice</c>: released steps frozen, concurrent upgrades
/// serialised, databases from before the release tables were steps upgraded in place.</summary>
public sealed class JournalStepTests(PostgresFixture postgres)
{
    /// <summary>SHA-256 of each released step's SQL (line endings as LF). A released step is in databases already:
    /// editing it changes nothing there and splits the fleet in two. Append a new step instead.</summary>
    private static readonly string[] Released =
    [
        "21a898670fb26b519a2c83dc0cac9fbc698dd9627aac6866b56b915414b9b899", // 1: plans, phases, checkpoints, events, leases
        "af58f9f9b1c1fb671af1e83cd3fbf0059a28c270adb4559cc67a49baf0dcd94a", // 2: feature flags
        "b22c72c59cda2fc2dce4d53a3f14310cdc5a69d2d9967f81439a9f521a74b2f0", // 3: 'reverted'
        "532ffe08687dbc4ce35812ddb5e0cde22c07ca82eb9e8257a48a8148cd87764e", // 4: schema baselines
        "9fc49dde49f32d7fd7e281de631e3fb3f5d5a4388fda9e2f9c982add7df0554e", // 5: data baselines
        "55a8e2f5f749266513fd9751a7f8debe0061dd541e543b9a3caca864ffee15d3", // 6: the holder's backend
        "a486cc3e76dbd2533c7afb2a885e666132857e0a85c221176fdd55d912b2c479", // 7: release tables
        "554b5d103c88f29b8df570eb64b3318b0d97ba757ae1a5e7bed615e2b4053c19", // 8: rehearsal evidence
        "fde1cc016813662ef24af067f018047a6856d4b8f6a26e4f562d3e6e8a6047ff", // 9: canaries, canary steps, canary judgements
        "7fc0b30e73ff49ea68d0225f118cef2d63f1bf6297e03711c6b0b8912eeb2b26", // 10: governance (approval evidence, invariant checks, expiry actions)
        "84d04d1bb320cdd7fd15fb3a3c123db741af26c40c96bcf6cb89807b421d3239", // 11: release trains (trains, train_members)
        "3fd2e2a5ec9a29c5a76c3ad2eabee6600d956d365017b6207dea4f4e96edcab8", // 12: hook runs
        "fa53c7d9f21686a911bd6c6436a6ce6d22a27ca3207fceac9fa241018921e589", // 13: drills
        "18d08278944437aadb3e88e784ebc32b1b044b9bb27e50108526a7e45f165b04", // 14: phase durations, predicted beside actual
    ];

    private static readonly string[] Tables =
    [
        "approvals", "backfill_checkpoints", "canaries", "canary_judgements", "canary_steps", "data_baselines", "drills", "events", "expiry_actions", "feature_flags", "gate_decisions", "hook_runs",
        "invariant_checks", "leases", "phase_durations", "phases", "plans", "rehearsal_evidence", "rollbacks", "schema_baselines", "schema_expectations", "schema_version", "train_members", "trains",
    ];

    [Fact]
    public void Released_steps_never_change()
    {
        var actual = JournalSchema.Steps.Select(Hash).ToList();
        Assert.True(actual.Count >= Released.Length,
            $"the journal has {actual.Count} steps, but {Released.Length} were released: a released step is never removed");
        var changed = Enumerable.Range(0, Released.Length).Where(i => actual[i] != Released[i]).Select(i => i + 1).ToList();
        Assert.True(changed.Count == 0,
            $"released journal step(s) {string.Join(", ", changed)} changed: add a new step instead (a released step is already in databases). "
            + $"Hashes now: {string.Join(", ", actual.Select(h => $"\"{h}\""))}");
        Assert.True(actual.Count == Released.Length,
            $"step(s) {Released.Length + 1}..{actual.Count} are new: pin them here once released, as \"{string.Join("\", \"", actual.Skip(Released.Length))}\"");
    }

    [Fact]
    public async Task Two_processes_upgrading_a_fresh_journal_at_once_end_with_one_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        using var plans = PlanCopy.Empty();

        // Hold the upgrade lock so both processes are inside the upgrade, waiting on it, before either may go on.
        await using var gate = new NpgsqlConnection(database.ConnectionString);
        await gate.OpenAsync(ct);
        await using var held = await gate.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({JournalSchema.UpgradeLockKey})", gate, held))
            await take.ExecuteNonQueryAsync(ct);
        var runs = Enumerable.Range(0, 2)
            .Select(_ => CrashHostProcess.RunAsync(database.ConnectionString, plans.Pipelines, null, TimeSpan.Zero, "60s", ct)).ToList();
        await WaitForUpgradeWaitersAsync(database.ConnectionString, 2, ct);
        await held.CommitAsync(ct);
        var results = await Task.WhenAll(runs);

        foreach (var (exitCode, output, _) in results)
            Assert.True(exitCode is 0 or 3, $"a racing runner exited {exitCode}:\n{output}"); // 3: the other one held the lease
        Assert.Equal(string.Join(",", Enumerable.Range(1, JournalSchema.CurrentVersion)), await JournalCatalog.VersionsAsync(database.ConnectionString, ct));
        Assert.Equal(string.Join(",", Tables), await JournalCatalog.TablesAsync(database.ConnectionString, ct));
    }

    [Fact]
    public async Task A_journal_at_version_6_with_the_tables_sluice_used_to_create_on_each_call_upgrades_in_place()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fresh = await postgres.CreateDatabaseAsync(ct);
        await using (var source = NpgsqlDataSource.Create(fresh.ConnectionString))
            await JournalSchema.EnsureAsync(source, ct);
        await using var old = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(old.ConnectionString,
            "CREATE SCHEMA sluice; CREATE TABLE sluice.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
            + string.Concat(JournalSchema.Steps.Take(6).Select((step, i) => $"{step}; INSERT INTO sluice.schema_version (version) VALUES ({i + 1});"))
            + JournalCatalog.BeforeStep7, ct);
        await using var target = new PostgresMigrationDatabase(old.ConnectionString);

        await target.Providers.Journal.EnsureAsync(ct);

        Assert.Equal(string.Join(",", Enumerable.Range(1, JournalSchema.CurrentVersion)), await JournalCatalog.VersionsAsync(old.ConnectionString, ct));
        Assert.Equal(await JournalCatalog.ReadAsync(fresh.ConnectionString, ct), await JournalCatalog.ReadAsync(old.ConnectionString, ct));
        Assert.Equal("1,1,1", await TestSql.ScalarAsync<string>(old.ConnectionString,
            "SELECT concat_ws(',', (SELECT count(*) FROM sluice.rollbacks), (SELECT count(*) FROM sluice.approvals), (SELECT count(*) FROM sluice.rehearsal_evidence))", ct));
    }

    private static string Hash(string step) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(step.ReplaceLineEndings("\n"))));

    private static async Task WaitForUpgradeWaitersAsync(string connectionString, int waiters, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await TestSql.ScalarAsync<long>(connectionString,
                   "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                   cancellationToken) < waiters)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{waiters} runners did not reach the journal upgrade within 60 s");
            await Task.Delay(50, cancellationToken);
        }
    }
}

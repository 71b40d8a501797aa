using System.Text.RegularExpressions;
using Npgsql;
using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// The README's first command, <c>./build.sh Promote --env staging</c>, through the real build on a fresh root holding
/// the repository's <c>pipelines/</c> and <c>.nuke/parameters.staging.json</c>: staging is provisioned and filled from
/// the committed production profile, rehearsed, snapshotted and verified, and migrated; a second run is a no-op; a
/// rollback reverts and verifies; a failure injected into a phase rolls staging back to fingerprints equal to before;
/// a broken plan exits 2 before staging exists.
/// </summary>
public sealed class StagingCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-staging-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public StagingCommandLineTests() => File.Copy(Path.Combine(RepositoryRoot.Path, ".nuke", "parameters.staging.json"), Path.Combine(Root, ".nuke", "parameters.staging.json"));

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(string arguments) => _throwaway.BuildAsync(arguments, Ct);

    [Fact]
    public async Task Promote_on_staging_from_a_fresh_root_rehearses_snapshots_migrates_and_a_failed_phase_rolls_back_to_equal_fingerprints()
    {
        var first = await RunAsync("Promote --env staging");
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("created the staging cluster", first.Output);
        // The console wraps at 160 columns, and the line carries the throwaway root's long path.
        Assert.Matches(@"created the staging replica on 127\.0\.0\.1:\d+ in\s+\S+\s+\(a\s+base\s+backup\s+through\s+the\s+server,\s+slot\s+sluice_replica\)", first.Output);
        Assert.Matches(@"filled .*: public\.customers 50,000 rows, public\.orders 200,000 rows", first.Output);
        Assert.Contains("synthetic data follows the profile of production (pipelines/shop/profiles/production.json: 250,000 rows)", first.Output);
        Assert.Contains("rehearsal evidence recorded in staging's journal for 0001_split_customer_name", first.Output);
        Assert.Matches(@"snapshot \S+ taken and verified \(2 tables, 250,000 rows\)", first.Output);
        Assert.Matches(@"rehearsal\s+\| pass\s+\| every plan rehearsed at its hash", first.Output);
        Assert.Matches(@"progress: backfill 0001_split_customer_name/backfill_split_name · 50,000/50,000 rows", first.Output);
        foreach (var phase in new[] { "add_split_columns: expand", "backfill_split_name: backfill", "index_last_name: expand", "read_split_name: switch", "drop_full_name: contract" })
            Assert.Contains($"0001_split_customer_name/{phase}", first.Output);
        Assert.Contains("promoted 1 plan(s) to 'staging'", first.Output);
        Assert.True(Regex.IsMatch(Regex.Replace(first.Output, @"\s+", " "), @"workload: [\d,]+ statements \(20/s cap\) over [\d.]+ s beside the release, [\d,]+ refused; latency p50 \d+ ms, p95 \d+ ms, slowest \d+ ms"), first.Output);
        Assert.Contains("rehearsal report: .sluice/reports/rehearsal-shop-staging.html", first.Output);

        var second = await RunAsync("Promote --env staging");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("rehearsal skipped: nothing pending on staging", second.Output);
        Assert.Contains("nothing to promote: every plan is already done on 'staging'", second.Output);
        Assert.DoesNotContain("add_split_columns: expand", second.Output);

        var rollback = await RunAsync("Rollback --env staging");
        Assert.True(rollback.ExitCode == 0, rollback.Output);
        Assert.Contains("plan '0001_split_customer_name' rolled back (5 phase(s))", rollback.Output);
        Assert.Contains("data verified: customers (50,000 rows) equal the baseline", rollback.Output.Replace("\n", " "));
        Assert.True(Regex.IsMatch(Regex.Replace(rollback.Output, @"\s+", " "), @"the replica on 127\.0\.0\.1:\d+ replayed the primary's WAL position and its fingerprint equals the primary's"), rollback.Output);
        var status = await RunAsync("Status --env staging");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Matches(@"replica 127\.0\.0\.1:\d+: streaming, ", status.Output);

        // A failure inside the third phase: staging's database refuses every CREATE INDEX from now on (the copies a
        // snapshot verification restores elsewhere do not); its function lives in schema sluice, which the drift gate does
        // not read. The rehearsal evidence is fresh, so Rehearse skips itself;
        // the two phases before it are applied, then reverted.
        var staging = _throwaway.LocalConnectionString("shop", "staging");
        await TestSql.ExecuteAsync(staging, """
            CREATE FUNCTION sluice.refuse_index() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN IF current_database() = 'shop' THEN RAISE EXCEPTION 'injected: no index today'; END IF; END $$;
            CREATE EVENT TRIGGER refuse_index ON ddl_command_start WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION sluice.refuse_index();
            """, Ct);
        var before = await FingerprintAsync(staging);
        var failed = await RunAsync("Promote --env staging");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("rehearsal skipped: staging's journal holds the evidence", failed.Output);
        Assert.Contains("0001_split_customer_name/backfill_split_name: done", failed.Output);
        Assert.Contains("error SLU074", failed.Output);
        Assert.Contains("injected: no index today", failed.Output.Replace("\n", ""));
        Assert.Contains("rolled back automatically: 0001_split_customer_name", failed.Output.Replace("\n", ""));
        Assert.Equal(before, await FingerprintAsync(staging));
    }

    [Fact]
    public async Task A_broken_plan_exits_2_before_staging_is_touched()
    {
        File.AppendAllText(Path.Combine(Root, "pipelines", "shop", "migrations", "0001_split_customer_name", "plan.yaml"), "\n  - name: broken\n    kind: sideways\n");
        var run = await RunAsync("Promote --env staging");
        Assert.True(run.ExitCode == 2, run.Output);
        Assert.Contains("plan.yaml:", run.Output);
        Assert.False(Directory.Exists(Path.Combine(Root, ".sluice", "staging")), run.Output);
    }

    /// <summary>The public schema's columns, indexes and triggers, and every row of both tables, each hashed in the
    /// database.</summary>
    private static async Task<string> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable, ',' ORDER BY table_name, column_name))
                    FROM information_schema.columns WHERE table_schema = 'public')
                || (SELECT md5(string_agg(indexdef, ',' ORDER BY indexdef)) FROM pg_indexes WHERE schemaname = 'public')
                || (SELECT coalesce(md5(string_agg(tgname, ',' ORDER BY tgname)), '') FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT tgisinternal)
                || (SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM customers c)
                || (SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o)
            """, connection);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }
}

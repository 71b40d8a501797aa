using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// Drill and Runbook through the real build on the local default: the sample promoted, a verified snapshot, then each
/// scenario on copies of the environment with the real Shop process started against the working copy; each reports
/// its time to restore and data lost, the corrupted table comes back with 0 rows lost, the copies are gone afterwards
/// and the environment is untouched. The Runbook then shows the measured recovery times.
/// </summary>
public sealed class DrillCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-drill-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _throwaway.Dispose();

    [Fact]
    public async Task Every_scenario_restores_the_service_on_a_copy_and_the_runbook_shows_the_measured_times()
    {
        var promote = await _throwaway.BuildAsync("Promote --env local", Ct);
        Assert.True(promote.ExitCode == 0, promote.Output);
        var snapshot = await _throwaway.BuildAsync("Snapshot VerifySnapshot --env local", Ct);
        Assert.True(snapshot.ExitCode == 0, snapshot.Output);
        var environment = _throwaway.LocalConnectionString("shop");
        var before = await new Sluice.Postgres.Fingerprints.PostgresFingerprints().TakeAsync(environment, Ct);

        var corrupted = await _throwaway.BuildAsync("Drill --env local --scenario corrupted-table", Ct);
        Assert.True(corrupted.ExitCode == 0, corrupted.Output);
        Has(corrupted.Output, "fault: 600 of 6,000 rows of public.orders deleted");
        Has(corrupted.Output, "service shop healthy again after");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(corrupted.Output, @"drill corrupted-table on local: restored; time to restore service \d+\.\d s; data lost 0 row\(s\) \(0 missing, 0 changed, 0 extra\);\s+copies\s+from\s+snapshot\s+\d"), corrupted.Output);

        foreach (var scenario in new[] { "killed-backfill", "killed-backfill-rollback", "failed-contract" })
        {
            var drill = await _throwaway.BuildAsync($"Drill --env local --scenario {scenario}", Ct);
            Assert.True(drill.ExitCode == 0, drill.Output);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(drill.Output, $@"drill {scenario} on local: restored; time to restore service \d+\.\d s; data lost 0\s+row\(s\)"), drill.Output);
            Has(drill.Output, "service shop healthy again after");
        }
        var killed = await _throwaway.BuildAsync("Drill --env local --scenario killed-backfill", Ct);
        Has(killed.Output, "fault: runner stopped after batch 1 of 0001_split_customer_name/backfill_split_name");
        var contract = await _throwaway.BuildAsync("Drill --env local --scenario failed-contract", Ct);
        Has(contract.Output, "fault: 0001_split_customer_name/drop_full_name failed with the earlier phases applied");

        // Never the environment itself: its data is as it was, and no copy is left on its server.
        var after = await new Sluice.Postgres.Fingerprints.PostgresFingerprints().TakeAsync(environment, Ct, like: before);
        Assert.Equal(Text(before), Text(after));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(_throwaway.LocalConnectionString("postgres"), "SELECT count(*) FROM pg_database WHERE datname LIKE 'sluice\\_eph\\_%'", Ct));
        Assert.Equal(6L, await TestSql.ScalarAsync<long>(environment, "SELECT count(*) FROM sluice.drills WHERE outcome = 'restored'", Ct));

        var runbook = await _throwaway.BuildAsync("Runbook --env local", Ct);
        Assert.True(runbook.ExitCode == 0, runbook.Output);
        var text = await File.ReadAllTextAsync(Path.Combine(_throwaway.Path, ".sluice", "reports", "runbook-local.md"), Ct);
        Assert.Contains("# Runbook: shop on local", text, StringComparison.Ordinal);
        Assert.Contains("### backfill_split_name (backfill)", text, StringComparison.Ordinal);
        Assert.Matches(@"\| the runner is killed mid-backfill \| backfill_split_name started at its last committed checkpoint[^|]*\| Migrate again: continues from the checkpoint \| \d+\.\d s, 0 rows lost \(killed-backfill, ", text);
        Assert.Matches(@"### drop_full_name \(contract\)\n\n[^#]*\| its SQL fails or a lock wait times out \|[^|]*\|[^|]*\| \d+\.\d s, 0 rows lost \(failed-contract, ", text);
        Has(text, "| corrupted-table | restored |");

        // The release history shows the drills over time.
        var report = await _throwaway.BuildAsync("Report --env local", Ct);
        Assert.True(report.ExitCode == 0, report.Output);
        var history = await File.ReadAllTextAsync(Path.Combine(_throwaway.Path, ".sluice", "reports", "releases-local.md"), Ct);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(history, @"\| (corrupted-table|killed-backfill|killed-backfill-rollback|failed-contract) \| restored \| \d+\.\d s \| 0 \|").Count);
    }

    [Fact]
    public async Task An_unknown_scenario_exits_2_naming_the_known_ones_before_anything_is_made()
    {
        var drill = await _throwaway.BuildAsync("Drill --env local --scenario dropped-database", Ct);
        Assert.True(drill.ExitCode == 2, drill.Output);
        Has(drill.Output, "error SLU315: unknown drill scenario 'dropped-database'");
        Has(drill.Output, "corrupted-table, killed-backfill, killed-backfill-rollback, failed-contract");
        Assert.False(Directory.Exists(Path.Combine(_throwaway.Path, ".sluice", "local")), "no cluster was made");
    }

    [Fact]
    public async Task Corrupted_table_without_a_verified_snapshot_exits_2_with_the_snapshot_command()
    {
        var drill = await _throwaway.BuildAsync("Drill --env local --scenario corrupted-table", Ct);
        Assert.True(drill.ExitCode == 2, drill.Output);
        Has(drill.Output, "error SLU318");
        Has(drill.Output, "./build.sh Snapshot VerifySnapshot --env local");
    }

    [Fact]
    public async Task Lost_primary_on_an_environment_without_a_replica_exits_2_naming_the_replica_key()
    {
        var drill = await _throwaway.BuildAsync("Drill --env local --scenario lost-primary", Ct);
        Assert.True(drill.ExitCode == 2, drill.Output);
        Has(drill.Output, "error SLU318: the scenario practises losing a primary that has a streaming replica, and 'local' has none");
        Has(drill.Output, "\"replica\": {} in .nuke/parameters.local.json");
    }

    private static void Has(string output, string expected) => Assert.True(output.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in:\n{output}");

    /// <summary>Each table's rows and chunk hashes, taken at the same split points (<c>like:</c>).</summary>
    private static string Text(Sluice.Fingerprints.DatabaseFingerprint fingerprint) =>
        fingerprint.Schema.Hash + fingerprint.Data.Tables.Aggregate("", (text, t) => text + $"{t.Source}:{t.Rows}:{string.Join(",", t.Chunks.Select(c => c.Hash))};");
}

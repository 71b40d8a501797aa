using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;
using Sluice.Tests;
using Sluice.Testing.Browser;
using Sluice.Testing.Postgres;
using Sluice.Secrets;

namespace Sluice.Postgres.Tests.Rehearsal;

public sealed class RehearsalTests(PostgresFixture postgres)
{
    private static string Fixtures => FixtureRehearsal.Folder("");

    [Fact]
    public async Task The_sample_plan_rehearses_clean_and_its_report_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        var serviceFolder = Path.Combine(RepositoryFiles.Pipelines, "shop");
        // Two fresh workloads: the trigger keeps the split columns right whatever the application writes.
        var report = await FixtureRehearsal.RehearseAsync(postgres, serviceFolder, ct, new WorkloadOptions(Runs: 2));

        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));
        Assert.Equal(2, report.Seeds!.Count);
        Assert.Equal(5, report.Phases.Count);
        Assert.All(report.Phases, p => Assert.NotEqual(false, p.Idempotent));
        Assert.All(report.Phases.Where(p => p.Kind != "Backfill"), p => Assert.True(p.Reversible, $"{p.Phase} was not shown reversible"));
        Assert.Contains(report.Phases.Single(p => p.Phase == "add_split_columns").Locks, l => l.Table == "public.customers" && l.Mode == "AccessExclusiveLock");
        Assert.All(report.Phases, p => Assert.Empty(p.RewrittenTables));

        var markdown = RehearsalReportFiles.ToMarkdown(report);
        Assert.StartsWith("# Rehearsal of shop for staging: passed", markdown, StringComparison.Ordinal);
        Assert.Contains($"Workload seeds: {report.Seeds[0]}, {report.Seeds[1]}", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0001_split_customer_name | index_last_name | Expand |", markdown, StringComparison.Ordinal);
        // Two locks in one cell are separated as text: the step summary shows no literal <br>.
        Assert.Contains("AccessExclusiveLock on public.customers", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<br>", markdown, StringComparison.Ordinal);
        using var folder = new TempFolder();
        var paths = await RehearsalReportFiles.WriteAsync(report, folder.Path, SecretValues.None, ct);
        Assert.All(paths, p => Assert.True(new FileInfo(p).Length > 0));

        // The sample's five phases as a page: every phase in the table and in both charts, and nothing fetched.
        var visit = await HeadlessChromium.VisitAsync(paths.Single(p => p.EndsWith(".html", StringComparison.Ordinal)),
            Path.Combine(AppContext.BaseDirectory, "artifacts", "rehearsal-report-shop.png"), ct);
        Assert.Empty(visit.Errors);
        Assert.All(visit.Requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
        Assert.Equal(5, visit.TableRows);
        Assert.All(visit.Svgs, svg => Assert.True(svg.Height > 5 * 20 && svg.VisibleMarks > 5 * 2, svg.ToString()));
    }

    [Theory]
    [InlineData("non-idempotent", "not-idempotent", "0001_add_note/up.sql", 1, "ALTER TABLE items ADD COLUMN note text")]
    [InlineData("down-loses-data", "not-reversible", "0001_upper_names/down.sql", null, null)]
    [InlineData("type-rewrite", "table-rewrite", "0001_widen_qty/up.sql", 2, "ALTER TABLE items ALTER COLUMN qty TYPE bigint")]
    [InlineData("index-blocking", "blocks-writers", "0001_index_name/up.sql", 1, "CREATE INDEX IF NOT EXISTS items_name_idx ON items (name)")]
    [InlineData("failing-verify", "verify-failed", "0001_add_note/verify.sql", 1, null)]
    public async Task A_bad_plan_fails_its_rehearsal_with_the_statement_named(string fixture, string rule, string file, int? line, string? statement)
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await RehearseAsync(Path.Combine(Fixtures, fixture), ct);

        Assert.False(report.Passed);
        var finding = Assert.Single(report.Findings, f => f.Severity == FindingSeverity.Error && f.Rule == rule);
        Assert.Equal(file, finding.File);
        Assert.Equal(line, finding.Line);
        Assert.Equal(statement, finding.Statement);
        Assert.Contains(rule, RehearsalReportFiles.ToMarkdown(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_is_recorded_in_the_environment_journal()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await RehearseAsync(Path.Combine(Fixtures, "index-blocking"), ct);
        await using var environment = await postgres.CreateDatabaseAsync(ct);
        var json = RehearsalReportFiles.ToJson(report);
        await using var pool = Npgsql.NpgsqlDataSource.Create(environment.ConnectionString);

        await PostgresRehearsalEvidence.RecordAsync(pool, report, json, ct);
        await PostgresRehearsalEvidence.RecordAsync(pool, report, json, ct);

        Assert.Equal("0001_index_name:false:2", await TestSql.ScalarAsync<string>(environment.ConnectionString,
            "SELECT min(plan_id) || ':' || bool_or(passed) || ':' || count(*) FROM sluice.rehearsal_evidence", ct));
        // The rehearsal gate reads only passing rehearsals of the exact hash.
        var gateSource = new PostgresRehearsalEvidenceSource(pool);
        Assert.Null(await gateSource.LatestRehearsalAsync("staging", report.Plans[0].Hash, ct));

        var passing = report with { Findings = [] };
        await PostgresRehearsalEvidence.RecordAsync(pool, passing, RehearsalReportFiles.ToJson(passing), ct);
        var at = await gateSource.LatestRehearsalAsync("staging", report.Plans[0].Hash, ct);
        Assert.Equal(report.StartedAt.ToUnixTimeMilliseconds(), at!.Value.ToUnixTimeMilliseconds());
        Assert.Null(await gateSource.LatestRehearsalAsync("production", report.Plans[0].Hash, ct));
    }

    [Fact]
    public async Task The_gate_source_finds_nothing_where_no_rehearsal_was_recorded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var environment = await postgres.CreateDatabaseAsync(ct);
        await using var pool = Npgsql.NpgsqlDataSource.Create(environment.ConnectionString);
        Assert.Null(await new PostgresRehearsalEvidenceSource(pool).LatestRehearsalAsync("local", "abc", ct));
    }

    [Fact]
    public async Task A_rehearsal_beside_an_environment_cannot_drop_another_database_even_when_the_plan_declares_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var environment = await postgres.CreateDatabaseAsync(ct);
        using var service = new TempFolder();
        Directory.CreateDirectory(Path.Combine(service.Path, "schema"));
        File.Copy(Path.Combine(Fixtures, "items-schema", "0000_base.sql"), Path.Combine(service.Path, "schema", "0000_base.sql"));
        var plan = Path.Combine(service.Path, "migrations", "0001_drop");
        Directory.CreateDirectory(plan);
        await File.WriteAllTextAsync(Path.Combine(plan, "plan.yaml"), """
            id: 0001_drop
            owner: team-fixtures
            risk: high
            description: drops a database on purpose
            max_partial_state: 1h
            cluster_statements: true
            phases:
              - name: drop_it
                kind: expand
                transactional: false
                up: up.sql
                down: down.sql
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(plan, "up.sql"), $"DROP DATABASE IF EXISTS \"{environment.Name}\";", ct);
        await File.WriteAllTextAsync(Path.Combine(plan, "down.sql"), "SELECT 1;", ct);

        var report = await RehearseAsync(service.Path, ct);

        Assert.False(report.Passed);
        var finding = Assert.Single(report.Findings, f => f.Rule == "up-failed");
        Assert.Contains("must be owner of database", finding.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(postgres.AdminConnectionString,
            $"SELECT count(*) FROM pg_database WHERE datname = '{environment.Name}'", ct));
    }

    private Task<RehearsalReport> RehearseAsync(string serviceFolder, CancellationToken ct) => FixtureRehearsal.RehearseAsync(postgres, serviceFolder, ct);
}

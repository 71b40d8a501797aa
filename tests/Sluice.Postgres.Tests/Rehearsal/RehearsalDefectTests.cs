using Sluice.Errors;
using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Runs;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Issue 12: lost writes during a backfill, findings that name the column and the phase, and the rehearsal's own faults.</summary>
public sealed class RehearsalDefectTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_backfill_without_a_dual_write_trigger_fails_naming_the_rows_the_workload_wrote_meanwhile()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("backfill-without-trigger"), ct);

        Assert.False(report.Passed);
        var finding = Assert.Single(report.Findings, f => f.Rule == "backfill-incomplete");
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("backfill_word", finding.Phase);
        Assert.Equal("0001_split_name/backfill.batch.sql", finding.File);
        Assert.Equal(7, finding.Seed);
        // Rows by key, each with the column that is not what the batch computes.
        Assert.Matches(@"row\(s\) of items differ from what backfill\.batch\.sql computes .*: id \d+ \(word\)", finding.Message);
        Assert.Equal([7], report.Seeds);
    }

    [Fact]
    public async Task The_same_backfill_with_a_trigger_passes_and_the_seed_replays_the_same_workload()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = FixtureRehearsal.Folder("backfill-with-trigger");
        var report = await FixtureRehearsal.RehearseAsync(postgres, folder, ct);
        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));

        // Replayable: the same seed gives the same finding, rows and all, on the plan without the trigger.
        var without = FixtureRehearsal.Folder("backfill-without-trigger");
        var first = await FixtureRehearsal.RehearseAsync(postgres, without, ct, new WorkloadOptions(Seed: 11));
        var again = await FixtureRehearsal.RehearseAsync(postgres, without, ct, new WorkloadOptions(Seed: 11));
        Assert.Equal(first.Findings.Single(f => f.Rule == "backfill-incomplete").Message, again.Findings.Single(f => f.Rule == "backfill-incomplete").Message);
    }

    [Fact]
    public async Task A_contract_whose_down_loses_a_column_is_blamed_alone_and_names_the_column()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("contract-loses-column"), ct);

        var finding = Assert.Single(report.Findings, f => f.Rule == "not-reversible");
        Assert.Equal("drop_qty", finding.Phase);
        Assert.Equal("0001_drop_qty/02_drop_qty.down.sql", finding.File);
        Assert.Contains("values of items.qty differ in", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("items.name", finding.Message, StringComparison.Ordinal);
        // The harmless expand before it restored what it changed: it is not blamed for qty.
        Assert.True(report.Phases.Single(p => p.Phase == "add_note").Reversible);
        Assert.False(report.Phases.Single(p => p.Phase == "drop_qty").Reversible);
    }

    [Fact]
    public async Task Forward_again_starts_after_the_irreversible_phase_the_rollback_stopped_at()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("irreversible-forward-again"), ct);

        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));
        Assert.False(report.Phases.Single(p => p.Phase == "add_archived").ForwardAgain);
        Assert.True(report.Phases.Single(p => p.Phase == "add_note").ForwardAgain);
        Assert.Contains(report.Findings, f => f.Rule == "irreversible" && f.Phase == "add_archived");
    }

    [Fact]
    public async Task A_column_production_holds_all_distinct_stays_distinct_so_a_primary_key_can_be_added()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("all-distinct"), ct);

        Assert.DoesNotContain(report.Findings, f => f.Rule == "up-failed");
        // ADD PRIMARY KEY on a live table takes ACCESS EXCLUSIVE while it builds the index: readers and writers wait.
        // The finding carries the static rule's code, and its recipe, written for this key.
        var blocking = Assert.Single(report.Findings, f => f.Rule == "blocks-reads-and-writes");
        Assert.Equal((FindingSeverity.Error, ErrorCodes.LintKeyWithoutIndex), (blocking.Severity, blocking.Code));
        Assert.Contains("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS tags_pkey_idx ON public.tags (code)", blocking.Remedy, StringComparison.Ordinal);
        Assert.Contains("ADD CONSTRAINT tags_pkey PRIMARY KEY USING INDEX tags_pkey_idx", blocking.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_created_in_the_phase_is_never_blamed_for_blocking_writers()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("create-table"), ct);

        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));
        Assert.DoesNotContain(report.Findings, f => f.Rule is "blocks-writers" or "table-rewrite");
    }

    [Fact]
    public async Task A_type_change_that_rewrites_is_told_to_add_a_column_not_to_build_an_index_concurrently()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("type-rewrite"), ct);

        Assert.All(report.Findings.Where(f => f.Rule is "table-rewrite" or "blocks-writers" or "blocks-reads-and-writes"),
            f => Assert.StartsWith("add a column qty_new int8, keep it in step with a trigger, backfill it in batches", f.Remedy, StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Rule == "table-rewrite");
    }

    [Fact]
    public async Task A_down_that_depends_on_what_the_application_wrote_is_caught_by_the_rows_the_workload_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("down-restores-stale-copy"), ct);

        // Every row the workload did not write comes back exactly: only the application's own writes show the fault.
        Assert.DoesNotContain(report.Findings, f => f.Rule == "not-reversible");
        var finding = Assert.Single(report.Findings, f => f.Rule == "rollback-loses-writes");
        Assert.Equal("upper_names", finding.Phase);
        Assert.Equal("0001_upper_names/01_upper_names.down.sql", finding.File);
        Assert.Matches(@"items id \d+: [a-z, ]*name", finding.Message);
        Assert.True(report.Phases.Single(p => p.Phase == "add_note").Reversible);
    }
}

using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Rehearsal;
using Sluice.Postgres.Tests.Releases;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Predictions per table and per piece of work, journaled beside what Promote then measured (journal step 14).</summary>
public sealed class PredictionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_rehearsal_at_a_quarter_size_predicts_per_piece_and_Promote_journals_the_actuals_beside_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var scratch = new TempFolder("sluice-pr");
        var service = Path.Combine(scratch.Path, "pipelines", "items");
        FixtureRehearsal.Copy(Path.Combine(FixtureRehearsal.Folder("backfill-with-trigger"), "migrations"), Path.Combine(service, "migrations"));
        FixtureRehearsal.Copy(FixtureRehearsal.Folder("items-schema"), Path.Combine(service, "schema"));
        // "Production": the schema with its 20 000 seed rows; the rehearsal makes a quarter of them.
        await using var production = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(production.ConnectionString, await File.ReadAllTextAsync(Path.Combine(service, "schema", "0000_base.sql"), ct), ct);
        var profile = await PostgresProfiler.ReadAsync(production.ConnectionString, new ProfileOptions("staging"), ct);

        var report = await new PostgresRehearsalService(postgres.Databases).RehearseAsync(
            new RehearsalRequest(service, "staging", profile, new HashSet<string>(), Synthetic: new SyntheticOptions(Scale: 0.25), Workload: FixtureRehearsal.OneRun), ct);

        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));
        // Adding a column, a function and a trigger is catalog work: not multiplied by four as one scale factor would.
        var expand = report.Phases.Single(p => p.Phase == "add_word");
        Assert.All(expand.PredictionBasis, b => Assert.Contains("rule 1", b, StringComparison.Ordinal));
        Assert.True(expand.PredictedDuration <= expand.Duration, $"{expand.PredictedDuration} predicted against {expand.Duration} measured");
        // The backfill's batches grow with items' own ratio, without the workload's rounds between them.
        var backfill = report.Phases.Single(p => p.Phase == "backfill_word");
        Assert.Contains("batches", Assert.Single(backfill.PredictionBasis), StringComparison.Ordinal);
        Assert.Contains("rule 2: public.items 5000 rows here, 20000 profiled", backfill.PredictionBasis[0], StringComparison.Ordinal);

        await using var pool = Npgsql.NpgsqlDataSource.Create(production.ConnectionString);
        await PostgresRehearsalEvidence.RecordAsync(pool, report, RehearsalReportFiles.ToJson(report), ct);
        await using var database = new PostgresMigrationDatabase(production.ConnectionString);
        var request = new MigrationRequest(Path.Combine(scratch.Path, "pipelines"), "items", "staging", By: ReleaseFixtures.Runner);
        await database.Service().MigrateAsync(request, null, ct);

        var status = await database.Service().StatusAsync(request, ct);
        var hash = report.Plans.Single().Hash;
        foreach (var phase in report.Phases)
        {
            var journaled = Assert.Single(status.Durations, d => d.Phase == phase.Phase && d.PlanHash == hash);
            Assert.Equal(Math.Round(phase.PredictedDuration.TotalMilliseconds), journaled.Predicted!.Value.TotalMilliseconds);
            Assert.True(journaled.Actual > TimeSpan.Zero, $"{phase.Phase}: no actual duration journaled");
            Assert.NotNull(journaled.Error);
            Assert.False(journaled.Resumed);
        }
        var text = status.Render();
        Assert.Contains("  backfill_word [backfill] done", text, StringComparison.Ordinal);
        Assert.Matches(@"backfill_word \[backfill\] done.*\n(.*\n)?    duration: predicted \d+\.\d s, took \d+\.\d s \(prediction [+-]?\d+ %\)", text);
    }
}

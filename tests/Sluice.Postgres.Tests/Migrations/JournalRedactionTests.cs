using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Secrets;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// Text the journal keeps often comes from an exception: a phase's SQL error lands in <c>phases.last_error</c> and in
/// an event's message. A run's secret in that text is redacted before the row is written.
/// </summary>
public sealed class JournalRedactionTests(PostgresFixture postgres)
{
    private const string Token = "tok-made-up-4711";

    [Fact]
    public async Task A_secret_in_a_failing_phase_error_is_redacted_in_every_journal_row()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Empty();
        plans.Write("0001_call_out", "plan.yaml", """
            id: 0001_call_out
            owner: team
            risk: low
            description: a phase whose error quotes a token
            max_partial_state: 1h
            phases:
              - name: call
                kind: expand
                up: call.sql
                down: call.sql
            """);
        // The token reaches the error through a setting, as a hook's URL or a credential in a message would.
        plans.Write("0001_call_out", "call.sql", "DO $$ BEGIN RAISE EXCEPTION 'could not reach https://ci:%@hooks.example', current_setting('app.token'); END $$;");
        await TestSql.ExecuteAsync(database.ConnectionString, $"ALTER DATABASE {new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database} SET app.token = '{Token}'", ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString, redactor: new SecretValues([Token]));

        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: new RunnerIdentity("t", "h", null)), null, ct));

        Assert.Contains(Token, error.Message); // the exception itself is the engine's to redact, at its sinks
        var phase = Assert.Single(await target.Providers.Journal.ReadPhasesAsync("0001_call_out", ct));
        Assert.Contains("could not reach https://ci:***@hooks.example", phase.LastError);
        var failed = Assert.Single(await target.Providers.Journal.ReadEventsAsync("0001_call_out", ct), e => e.Kind == JournalEventKind.PhaseFailed);
        Assert.Contains("https://ci:***@hooks.example", failed.Message);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString,
            $"SELECT (SELECT count(*) FROM sluice.events WHERE strpos(message, '{Token}') > 0) + (SELECT count(*) FROM sluice.phases WHERE strpos(last_error, '{Token}') > 0)", ct));
    }
}

using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// What the server did with a script's transaction control, checked after it ran. The plan checks refuse these
/// scripts at load time (ScriptRulesTests); here the scripts are put into loaded plans afterwards, so that the run's
/// own checks are what stands between them and a plan journaled done that applied nothing.
/// </summary>
public sealed class ScriptTransactionTests(PostgresFixture postgres)
{
    private static readonly RunnerIdentity Alice = new("alice", "laptop", null);

    [Fact]
    public async Task A_non_transactional_script_that_leaves_a_transaction_open_fails_the_phase_and_applies_nothing_after_its_begin()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);

        var (plan, error) = await RunPastThePlanChecksAsync(target, transactional: false,
            "-- the COMMIT was forgotten\nBEGIN;\nALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;\n", ct);

        Assert.Equal((ErrorKind.Failure, ErrorCodes.ScriptLeftTransaction, Assert.IsType<ScriptPhase>(plan.Phases[0]).Up.Path, (int?)2),
            (error.Kind, error.Code, error.File, error.Line));
        Assert.Contains("left a transaction open", error.Message);
        Assert.False(await NicknameExistsAsync(database.ConnectionString, ct));
        await AssertJournaledFailedAsync(target, plan, ct);
    }

    [Fact]
    public async Task A_commit_inside_a_transactional_phase_fails_the_phase_cleanly_instead_of_crashing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);

        var (plan, error) = await RunPastThePlanChecksAsync(target, transactional: true,
            "BEGIN;\nALTER TABLE customers ADD COLUMN nickname text;\nCOMMIT;\nUPDATE customers SET nickname = 'x';\n", ct);

        Assert.Equal((ErrorKind.Failure, ErrorCodes.ScriptLeftTransaction, Assert.IsType<ScriptPhase>(plan.Phases[0]).Up.Path, (int?)3),
            (error.Kind, error.Code, error.File, error.Line));
        Assert.Contains("ended the phase's transaction with 'COMMIT'", error.Message);
        // Nothing after the COMMIT ran: the check stops the script at once.
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM customers WHERE nickname IS NOT NULL", ct));
        await AssertJournaledFailedAsync(target, plan, ct);
    }

    [Fact]
    public async Task A_balanced_begin_and_commit_in_a_non_transactional_phase_applies_and_is_journaled_done()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan(transactional: false);
        plans.Write("p1", "up.sql", "BEGIN;\nALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;\nCOMMIT;\n");
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);

        var result = await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Alice), null, ct);

        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.True(await NicknameExistsAsync(database.ConnectionString, ct));
        var journal = (await target.Providers.Journal.ReadAllAsync(0, ct)).Single();
        Assert.Equal(JournalStatus.Done, journal.Plan.Status);
        Assert.Equal(JournalStatus.Done, journal.Phases.Single().Status);
    }

    [Theory]
    [InlineData("-- adds it\n\nALTER TABLE customers ADD COLUMN nickname text;\nSELECT 1 / 0;\n", 4)] // no position from the server
    [InlineData("ALTER TABLE customers ADD COLUMN nickname text;\n\nALTER TABLE customers\n  ADD COLUMN height no_such_type;\n", 4)] // a position
    public async Task A_failing_statement_is_reported_at_its_own_line_of_the_sql_file(string up, int line)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan(transactional: true);
        plans.Write("p1", "up.sql", up);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);

        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Alice), null, ct));

        Assert.Equal(ErrorCodes.PhaseFailed, error.Code);
        Assert.Equal(Path.Combine(plans.MigrationsFolder, "p1", "up.sql"), error.File);
        Assert.Equal(line, error.Line);
    }

    /// <summary>Plan p1: one expand phase adding customers.nickname, its phase at line 7 of plan.yaml.</summary>
    private static PlanCopy NicknamePlan(bool transactional)
    {
        var plans = PlanCopy.Empty();
        plans.Write("p1", "plan.yaml", $"""
            id: p1
            owner: team
            risk: low
            description: adds a nickname
            max_partial_state: 1h
            phases:
              - name: add
                kind: expand
                transactional: {(transactional ? "true" : "false")}
                up: up.sql
                down: down.sql
            """);
        plans.Write("p1", "up.sql", "ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;");
        plans.Write("p1", "down.sql", "ALTER TABLE customers DROP COLUMN IF EXISTS nickname;");
        return plans;
    }

    /// <summary>Runs plan p1 with its up replaced by <paramref name="up"/> after loading, past the plan checks; the
    /// run must fail.</summary>
    private static async Task<(MigrationPlan Plan, SluiceException Error)> RunPastThePlanChecksAsync(PostgresMigrationDatabase target,
        bool transactional, string up, CancellationToken ct)
    {
        using var plans = NicknamePlan(transactional);
        var loaded = PlanLoader.Load(Path.Combine(plans.MigrationsFolder, "p1"));
        var phase = Assert.IsType<ScriptPhase>(loaded.Phases[0]);
        var plan = loaded with { Phases = [phase with { Up = phase.Up with { Sql = up } }] };
        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            new MigrationRunner(target.Providers, new MigrationRunnerOptions("local")).RunAsync([plan], Alice, null, ct));
        return (plan, error);
    }

    private static async Task AssertJournaledFailedAsync(PostgresMigrationDatabase target, MigrationPlan plan, CancellationToken ct)
    {
        var journal = (await target.Providers.Journal.ReadAllAsync(0, ct)).Single(p => p.Plan.PlanId == plan.Id);
        Assert.Equal(JournalStatus.Failed, journal.Plan.Status);
        Assert.Equal(JournalStatus.Failed, journal.Phases.Single().Status);
    }

    private static Task<bool> NicknameExistsAsync(string connectionString, CancellationToken ct) =>
        TestSql.ScalarAsync<bool>(connectionString,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'nickname')", ct);
}

using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Rehearsal;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Rehearsal.Runs;
using Sluice.Tests;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>
/// A rehearsal is only worth its likeness to the real run: the same phase, rehearsed and promoted, reaches the server
/// as the same statements under the same settings, and a lock timeout is retried the same way.
/// </summary>
/// <remarks>
/// What reaches the server is read twice. Through the executor's hook (<see cref="IStatementObserver"/>): the session's
/// settings on the phase's own connection just before each statement. And from the server alone: an event trigger on
/// <c>ddl_command_start</c> writes each DDL statement's text, the settings in force while it runs and whether its
/// transaction has already written (the phase's journal row, in a transactional phase) to the server log (<c>RAISE LOG</c>), read back from the test cluster's log file. That
/// second reading needs nothing from Sluice's code and changes nothing in the database (pg_stat_statements is not
/// loaded in the test cluster and keeps no settings; <c>log_statement</c> names neither the database nor the settings).
/// The settings compared are every one the session or the client set, except <c>application_name</c>, which names the
/// rehearsal's sessions on purpose.
/// </remarks>
public sealed class RehearsalLikenessTests(PostgresFixture postgres)
{
    private const string PlanId = "0002_nickname";
    private static readonly RunnerIdentity Runner = new("runner", "host", null);

    private const string Settings = "(SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings "
        + "WHERE source IN ('session', 'client') AND name <> 'application_name')";

    [Fact]
    public async Task A_rehearsal_and_a_promote_of_the_same_phases_send_the_same_statements_under_the_same_settings()
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = NicknamePlans(retries: 3, lockTimeout: "2s");
        var plan = Assert.Single(ServicePlans.Load(plans.Pipelines, PlanCopy.Service).Select(null));
        var statements = plan.Phases.OfType<ScriptPhase>().SelectMany(p => SqlStatements.Parse(p.Up.Sql)).Select(s => s.Text).ToList();
        Assert.Equal(3, statements.Count);

        // Promote's runner and providers, its executor given the hook.
        await using var promoted = await ProbedDatabaseAsync(ct);
        var promoteHook = new SettingsHook();
        await using (var target = new PostgresMigrationDatabase(promoted.ConnectionString))
        await using (var sessions = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(promoted.ConnectionString) { ApplicationName = "sluice" }.ConnectionString))
        {
            var providers = target.Providers with { Phases = new PostgresPhaseExecutor(sessions, [promoteHook]) };
            var result = await new MigrationService(providers).MigrateAsync(new MigrationRequest(plans.Pipelines, PlanCopy.Service, "local", By: Runner), null, ct);
            Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        }

        await using var rehearsed = await ProbedDatabaseAsync(ct);
        var rehearsalHook = new SettingsHook();
        var (phases, findings) = await new PostgresRehearsal(rehearsed.ConnectionString, 1, new WorkloadOptions(Runs: 1)) { AlsoObserving = [rehearsalHook] }.RunAsync([plan], 7, ct);
        Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
        Assert.All(phases, p => Assert.True(p.Reversible));

        var promoteServer = ServerProbes(promoted.Name, statements);
        var rehearsalServer = ServerProbes(rehearsed.Name, statements);
        // Promote sends each statement once, in the script's order; the rehearsal sends the first run of each the same
        // way, then runs them again (idempotence, forward again after the rollback), each time alike.
        Assert.Equal(statements, promoteServer.Select(p => p.Statement));
        Assert.Equal(statements, rehearsalServer.Select(p => p.Statement).Distinct());
        Assert.Equal(9, rehearsalServer.Count);
        var promoteByStatement = promoteServer.ToDictionary(p => p.Statement);
        Assert.All(rehearsalServer, r => Assert.Equal(promoteByStatement[r.Statement], r));

        // The hook saw what the server saw, on both sides.
        Assert.Equal(promoteServer, promoteHook.Seen.Where(s => statements.Contains(s.Statement)));
        Assert.Equal(rehearsalServer, rehearsalHook.Seen.Where(s => statements.Contains(s.Statement)));

        // And what is alike is the phases' own settings: the transactional phase's timeouts, in the transaction of its
        // journal row (no statement_timeout given means none); the concurrent index's, in a transaction of its own.
        Assert.Contains("lock_timeout=2000", promoteServer[0].Settings, StringComparison.Ordinal);
        Assert.Contains("statement_timeout=0", promoteServer[0].Settings, StringComparison.Ordinal);
        Assert.True(promoteServer[0].JoinsJournalRow);
        Assert.Contains("statement_timeout=30000", promoteServer[2].Settings, StringComparison.Ordinal);
        Assert.False(promoteServer[2].JoinsJournalRow);
    }

    [Fact]
    public async Task A_rehearsal_runs_every_phase_on_one_warmed_pooled_session_as_promote_does()
    {
        // A new server process per phase step was the rehearsal's own cost (0.3 s under load), which a catalog-only
        // phase's prediction carried unscaled against Promote's pooled session (issue 20 item 7).
        var ct = TestContext.Current.CancellationToken;
        using var plans = NicknamePlans(retries: 3, lockTimeout: "2s");
        var plan = Assert.Single(ServicePlans.Load(plans.Pipelines, PlanCopy.Service).Select(null));
        await using var rehearsed = await ShopDatabase.CreateAsync(postgres, ct);
        var sessions = new SessionHook();

        var (_, findings) = await new PostgresRehearsal(rehearsed.ConnectionString, 1, new WorkloadOptions(Runs: 1)) { AlsoObserving = [sessions] }.RunAsync([plan], 7, ct);

        Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
        Assert.True(sessions.Statements >= 9, $"{sessions.Statements} statements seen");   // up, again, down, up again
        Assert.Single(sessions.Processes);
    }

    private sealed class SessionHook : IStatementObserver
    {
        public HashSet<int> Processes { get; } = [];

        public int Statements { get; private set; }

        public Task BeforeAsync(PhaseStatement statement, CancellationToken cancellationToken)
        {
            Processes.Add(statement.Connection.ProcessID);
            Statements++;
            return Task.CompletedTask;
        }

        public Task AfterAsync(PhaseStatement statement, TimeSpan duration, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_rehearsal_retries_a_lock_timeout_as_often_and_after_the_same_jittered_waits_as_promote()
    {
        var ct = TestContext.Current.CancellationToken;
        const int seed = 11;
        using var plans = NicknamePlans(retries: 3, lockTimeout: "50ms");
        var plan = Assert.Single(ServicePlans.Load(plans.Pipelines, PlanCopy.Service).Select(null));

        // Promote with the runner's default backoff, seeded as the rehearsal seeds it (by its workload seed).
        await using var promoted = await ShopDatabase.CreateAsync(postgres, ct);
        IReadOnlyList<string> promoteRetries;
        await using (var blocker = await CustomersBlocker.HoldAsync(promoted.ConnectionString, ct))
        await using (var target = new PostgresMigrationDatabase(promoted.ConnectionString))
        {
            var error = await Assert.ThrowsAsync<SluiceException>(() => target.Service().MigrateAsync(
                new MigrationRequest(plans.Pipelines, PlanCopy.Service, "local", By: Runner), null, new MigrationRunnerOptions("local", Seed: seed), ct));
            Assert.Equal(ErrorCodes.LockTimeoutExhausted, error.Code);
            promoteRetries = [.. (await target.Providers.Journal.ReadEventsAsync(PlanId, ct)).Where(e => e.Kind == JournalEventKind.Retry).Select(e => e.Message)];
        }

        await using var rehearsed = await ShopDatabase.CreateAsync(postgres, ct);
        IReadOnlyList<RehearsalFinding> findings;
        await using (await CustomersBlocker.HoldAsync(rehearsed.ConnectionString, ct))
            (_, findings) = await new PostgresRehearsal(rehearsed.ConnectionString, 1, new WorkloadOptions(Runs: 1)).RunAsync([plan], seed, ct);

        Assert.Equal(2, promoteRetries.Count);
        var retries = findings.Where(f => f.Rule == "lock-retry").ToList();
        Assert.Equal(promoteRetries, retries.Select(f => f.Message));
        Assert.All(retries, f => Assert.Equal((FindingSeverity.Info, $"{PlanId}/up.sql", 2, "ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text"),
            (f.Severity, f.File, f.Line, f.Statement)));
        var failed = Assert.Single(findings, f => f.Rule == "up-failed");
        Assert.Contains("lock timeout", failed.Message, StringComparison.Ordinal);
        Assert.Equal((2, "ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text"), (failed.Line, failed.Statement));
    }

    [Fact]
    public async Task Plans_the_environment_has_applied_are_built_into_the_rehearsal_schema_and_not_rehearsed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = new TempFolder("sluice-applied");
        var migrations = Path.Combine(service.Path, "migrations");
        FixtureRehearsal.Copy(Path.Combine(FixtureRehearsal.Folder("non-idempotent"), "migrations"), migrations);
        // Pending: a plan that needs the applied plan's column.
        var pending = Path.Combine(migrations, "0002_note_default");
        Directory.CreateDirectory(pending);
        await File.WriteAllTextAsync(Path.Combine(pending, "plan.yaml"), """
            id: 0002_note_default
            owner: team-fixtures
            risk: low
            description: gives the applied plan's column a default
            max_partial_state: 1h
            phases:
              - name: note_default
                kind: expand
                up: up.sql
                down: down.sql
                lock_timeout: 1s
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(pending, "up.sql"), "ALTER TABLE items ALTER COLUMN note SET DEFAULT '';", ct);
        await File.WriteAllTextAsync(Path.Combine(pending, "down.sql"), "ALTER TABLE items ALTER COLUMN note DROP DEFAULT;", ct);

        var report = await FixtureRehearsal.RehearseAsync(postgres, service.Path, ct, appliedPlans: new HashSet<string> { "0001_add_note" });

        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));
        Assert.Equal(["0002_note_default"], report.Phases.Select(p => p.Plan));
    }

    /// <summary>A shop database whose every DDL statement logs its text, settings and transaction block to the server log.</summary>
    private async Task<Sluice.Postgres.Databases.EphemeralDatabase> ProbedDatabaseAsync(CancellationToken ct)
    {
        var database = await ShopDatabase.CreateAsync(postgres, ct);
        await TestSql.ExecuteAsync(database.ConnectionString, $$"""
            CREATE FUNCTION public.likeness_probe() RETURNS event_trigger LANGUAGE plpgsql AS $probe$
            BEGIN
              RAISE LOG 'likeness-probe % |%|%|%', current_database(), {{Settings}}, txid_current_if_assigned() IS NOT NULL, replace(current_query(), E'\n', '\n');
            END $probe$;
            CREATE EVENT TRIGGER likeness_probe ON ddl_command_start EXECUTE FUNCTION public.likeness_probe();
            """, ct);
        return database;
    }

    /// <summary>The probes of <paramref name="database"/>'s statements among <paramref name="statements"/>, in the order the server ran them.</summary>
    private List<Probe> ServerProbes(string database, IReadOnlyList<string> statements)
    {
        var marker = $"LOG:  likeness-probe {database} |";
        var probes = new List<Probe>();
        using var stream = new FileStream(ServerLog.PathIn(postgres.Cluster.DataDirectory), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            var fields = line[(at + marker.Length)..].Split('|', 3);
            var statement = fields[2].Replace("\\n", "\n", StringComparison.Ordinal);
            if (statements.Contains(statement)) probes.Add(new Probe(statement, fields[0], fields[1] == "t"));
        }
        return probes;
    }

    /// <summary>What one statement ran under: the settings the session or the client set, and whether it ran in a
    /// transaction that had already written (the phase's "started" row), so that it commits or rolls back with it.</summary>
    private sealed record Probe(string Statement, string Settings, bool JoinsJournalRow);

    /// <summary>Reads the same, on the phase's own connection, just before each statement.</summary>
    private sealed class SettingsHook : IStatementObserver
    {
        public List<Probe> Seen { get; } = [];

        public async Task BeforeAsync(PhaseStatement statement, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand($"SELECT {Settings}, txid_current_if_assigned() IS NOT NULL", statement.Connection, statement.Transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            Seen.Add(new Probe(statement.Statement.Text, reader.GetString(0), reader.GetBoolean(1)));
        }

        public Task AfterAsync(PhaseStatement statement, TimeSpan duration, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A transactional phase (two statements, no statement_timeout) and a concurrent index build (statement_timeout 30s).</summary>
    private static PlanCopy NicknamePlans(int retries, string lockTimeout)
    {
        var plans = PlanCopy.Empty();
        plans.Write(PlanId, "plan.yaml", $"""
            id: {PlanId}
            owner: team-shop
            risk: low
            description: add a nickname column and index it
            max_partial_state: 1h
            phases:
              - name: add_nickname
                kind: expand
                up: up.sql
                down: down.sql
                lock_timeout: {lockTimeout}
                retries: {retries}
              - name: index_nickname
                kind: expand
                transactional: false
                up: index.up.sql
                down: index.down.sql
                lock_timeout: {lockTimeout}
                statement_timeout: 30s
                retries: {retries}
            """);
        plans.Write(PlanId, "up.sql", """
            -- what friends call them
            ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;
            COMMENT ON COLUMN customers.nickname IS 'what friends call them';
            """);
        plans.Write(PlanId, "down.sql", "ALTER TABLE customers DROP COLUMN IF EXISTS nickname;");
        plans.Write(PlanId, "index.up.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_nickname_idx ON customers (nickname);");
        plans.Write(PlanId, "index.down.sql", "DROP INDEX CONCURRENTLY IF EXISTS customers_nickname_idx;");
        return plans;
    }
}

using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Tests;

/// <summary>StatementClassifier's rows C1-C10 and ScriptRules' rows R1-R4, one case each (and a few per row).</summary>
public sealed class ScriptRulesTests
{
    [Theory]
    [InlineData("C1", "BEGIN", StatementKind.TransactionStart)]
    [InlineData("C1", "begin transaction isolation level serializable", StatementKind.TransactionStart)]
    [InlineData("C1", "START TRANSACTION", StatementKind.TransactionStart)]
    [InlineData("C1", "COMMIT AND CHAIN", StatementKind.TransactionStart)]
    [InlineData("C2", "COMMIT AND NO CHAIN", StatementKind.TransactionEnd)]
    [InlineData("C2", "COMMIT", StatementKind.TransactionEnd)]
    [InlineData("C2", "end", StatementKind.TransactionEnd)]
    [InlineData("C2", "ROLLBACK", StatementKind.TransactionEnd)]
    [InlineData("C2", "ABORT", StatementKind.TransactionEnd)]
    [InlineData("C2", "PREPARE TRANSACTION 'x'", StatementKind.TransactionEnd)]
    [InlineData("C3", "SAVEPOINT s1", StatementKind.TransactionStep)]
    [InlineData("C3", "RELEASE SAVEPOINT s1", StatementKind.TransactionStep)]
    [InlineData("C3", "ROLLBACK TO SAVEPOINT s1", StatementKind.TransactionStep)]
    [InlineData("C3", "rollback work to s1", StatementKind.TransactionStep)]
    [InlineData("C3", "COMMIT PREPARED 'x'", StatementKind.TransactionStep)]
    [InlineData("C4", "DROP DATABASE shop", StatementKind.Cluster)]
    [InlineData("C4", "create database shop_copy template shop", StatementKind.Cluster)]
    [InlineData("C4", "ALTER DATABASE shop SET work_mem = '64MB'", StatementKind.Cluster)]
    [InlineData("C4", "CREATE TABLESPACE fast LOCATION '/ssd'", StatementKind.Cluster)]
    [InlineData("C5", "CREATE ROLE reporting", StatementKind.Cluster)]
    [InlineData("C5", "ALTER USER app WITH PASSWORD 'x'", StatementKind.Cluster)]
    [InlineData("C5", "DROP GROUP readers", StatementKind.Cluster)]
    [InlineData("C6", "ALTER SYSTEM SET max_connections = 10", StatementKind.Cluster)]
    [InlineData("C7", "GRANT admin TO app", StatementKind.Cluster)]
    [InlineData("C7", "REVOKE admin FROM app", StatementKind.Cluster)]
    [InlineData("C8", "GRANT CONNECT ON DATABASE shop TO app", StatementKind.Cluster)]
    [InlineData("C8", "REVOKE CREATE ON TABLESPACE fast FROM app", StatementKind.Cluster)]
    [InlineData("C9", "REASSIGN OWNED BY old TO new", StatementKind.Cluster)]
    [InlineData("C10", "GRANT SELECT (a, b, c, d, e, f, g, h, i, j, k, l, m) ON customers TO app", StatementKind.Database)]
    [InlineData("C10", "CREATE USER MAPPING FOR app SERVER remote", StatementKind.Database)]
    [InlineData("C10", "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app", StatementKind.Database)]
    [InlineData("C10", "DO $$ BEGIN COMMIT; END $$", StatementKind.Database)]
    [InlineData("C10", "SELECT 'COMMIT'", StatementKind.Database)]
    [InlineData("C10", "-- BEGIN\n/* DROP DATABASE x */ ALTER TABLE customers ADD COLUMN \"begin\" text", StatementKind.Database)]
    [InlineData("C10", "CREATE TABLE \"database\" (id int)", StatementKind.Database)]
    public void Statements_are_classified_by_their_leading_keywords(string row, string statement, StatementKind kind)
    {
        Assert.True(kind == StatementClassifier.Classify(statement), $"{row}: '{statement}' is {StatementClassifier.Classify(statement)}, not {kind}");
    }

    [Theory]
    [InlineData("R1", true, "up", "ALTER TABLE t ADD c int;\nCOMMIT;", ErrorCodes.TransactionControl, 2)]
    [InlineData("R1", true, "down", "BEGIN;\nALTER TABLE t DROP c;\nCOMMIT;", ErrorCodes.TransactionControl, 1)]
    [InlineData("R1", true, "up", "SAVEPOINT a;\nALTER TABLE t ADD c int;", ErrorCodes.TransactionControl, 1)]
    [InlineData("R1", false, "verify", "SELECT true;\nROLLBACK;", ErrorCodes.TransactionControl, 2)]
    [InlineData("R2", false, "up", "CREATE INDEX CONCURRENTLY i ON t (c);\n\nBEGIN;\nUPDATE t SET c = 1;", ErrorCodes.TransactionLeftOpen, 3)]
    [InlineData("R2", false, "up", "BEGIN;\nUPDATE t SET c = 1;\nCOMMIT AND CHAIN;", ErrorCodes.TransactionLeftOpen, 3)]
    [InlineData("R3", true, "up", "ALTER TABLE t ADD c int;\nCREATE ROLE reporting;", ErrorCodes.ClusterStatement, 2)]
    [InlineData("R3", false, "down", "\n\nDROP DATABASE shop;", ErrorCodes.ClusterStatement, 3)]
    [InlineData("R4", false, "up", "BEGIN;\nUPDATE t SET c = 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (c);", null, 0)]
    [InlineData("R4", true, "up", "DO $$ BEGIN PERFORM 1; END $$;\nSELECT 'BEGIN';", null, 0)]
    public void Each_rule_refuses_its_statements_naming_the_file_and_line(string row, bool transactional, string script, string sql, string? code, int line)
    {
        var file = new PlanScript($"{script}.sql", $"/plans/p1/{script}.sql", sql);
        var plain = new PlanScript("other.sql", "/plans/p1/other.sql", "SELECT true");
        var phase = new ScriptPhase("p", PhaseKind.Expand, script == "up" ? file : plain, script == "down" ? file : plain, false,
            script == "verify" ? file : null, TimeSpan.FromSeconds(1), null, 1, transactional, null, 7);

        if (code is null)
        {
            ScriptRules.Check(phase);
            return;
        }
        var error = Assert.Throws<SluiceException>(() => ScriptRules.Check(phase));
        Assert.True((ErrorKind.Usage, code, file.Path, (int?)line) == (error.Kind, error.Code, error.File, error.Line),
            $"{row}: {error.Headline}");
        Assert.False(string.IsNullOrWhiteSpace(error.Remedy));
    }

    [Fact]
    public void Cluster_statements_declared_on_the_plan_or_the_phase_are_allowed()
    {
        using var scratch = new ScratchFolder();
        scratch.Write("up.sql", "CREATE ROLE reporting;");
        scratch.Write("down.sql", "DROP ROLE reporting;");
        const string Phases = """
            phases:
              - name: roles
                kind: expand
                up: up.sql
                down: down.sql

            """;
        var head = $"id: {Path.GetFileName(scratch.Path)}\nowner: team\nrisk: low\ndescription: a role\nmax_partial_state: 1h\n";

        scratch.Write("plan.yaml", head + Phases);
        Assert.Equal(ErrorCodes.ClusterStatement, Assert.Throws<SluiceException>(() => PlanLoader.Load(scratch.Path)).Code);

        scratch.Write("plan.yaml", head + "cluster_statements: true\n" + Phases);
        Assert.True(PlanLoader.Load(scratch.Path).Phases[0].ClusterStatements);

        scratch.Write("plan.yaml", head + Phases + "    cluster_statements: true\n");
        Assert.True(PlanLoader.Load(scratch.Path).Phases[0].ClusterStatements);
    }
}

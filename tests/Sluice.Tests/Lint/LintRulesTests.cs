using Sluice.Errors;
using Sluice.Lint;
using Sluice.Lint.Parser;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Runs;
using Sluice.Testing.Lint;

namespace Sluice.Tests.Lint;

/// <summary>
/// Squawk's documented examples as plans (<c>tests/Fixtures/lint</c>): each bad example is caught with the code of
/// the Sluice rule that covers its concern (a lint finding, or a load error before anything runs), and each good
/// example gives no finding at all. The table below is docs/lint.md's coverage table.
/// </summary>
public sealed class LintRulesTests
{
    public static readonly TheoryData<string, string> Covered = new()
    {
        { "adding-field-with-default", ErrorCodes.LintVolatileDefault },
        { "adding-foreign-key-constraint", ErrorCodes.LintConstraintValidates },
        { "adding-not-nullable-field", ErrorCodes.LintSetNotNullScans },
        { "adding-required-field", ErrorCodes.LintRequiredColumn },
        { "adding-serial-primary-key-field", ErrorCodes.LintKeyWithoutIndex },
        { "ban-alter-domain-with-add-constraint", ErrorCodes.LintDomainCheck },
        { "ban-char-field", ErrorCodes.LintCharType },
        { "ban-concurrent-index-creation-in-transaction", ErrorCodes.LintConcurrentlyInTransaction },
        { "ban-create-domain-with-constraint", ErrorCodes.LintConstrainedDomain },
        { "ban-drop-column", ErrorCodes.LintDropOutsideContract },
        { "ban-drop-database", ErrorCodes.LintDropDatabase },
        { "ban-drop-not-null", ErrorCodes.LintDropNotNull },
        { "ban-drop-table", ErrorCodes.LintDropOutsideContract },
        { "ban-duplicate-column-assignments", ErrorCodes.LintDuplicateAssignment },
        { "ban-truncate-cascade", ErrorCodes.LintTruncateCascade },
        { "ban-uncommitted-transaction", ErrorCodes.TransactionLeftOpen },
        { "changing-column-type", ErrorCodes.LintColumnType },
        { "constraint-missing-not-valid", ErrorCodes.LintConstraintValidates },
        { "disallowed-unique-constraint", ErrorCodes.LintKeyWithoutIndex },
        { "identifier-too-long", ErrorCodes.LintIdentifierTooLong },
        { "prefer-bigint-over-int", ErrorCodes.LintIntKey },
        { "prefer-bigint-over-smallint", ErrorCodes.LintSmallintKey },
        { "prefer-identity", ErrorCodes.LintSerialColumn },
        { "prefer-repack", ErrorCodes.LintFullRewrite },
        { "prefer-robust-stmts", ErrorCodes.LintNotRobust },
        { "prefer-text-field", ErrorCodes.LintVarcharLength },
        { "prefer-timestamptz", ErrorCodes.LintTimestampWithoutZone },
        { "renaming-column", ErrorCodes.LintRename },
        { "renaming-table", ErrorCodes.LintRename },
        { "require-concurrent-index-creation", ErrorCodes.LintIndexBlocksWrites },
        { "require-concurrent-index-deletion", ErrorCodes.LintIndexDropBlocks },
        { "require-concurrent-partition-detach", ErrorCodes.LintDetachBlocks },
        { "require-concurrent-reindex", ErrorCodes.LintReindexBlocks },
        { "require-enum-value-ordering", ErrorCodes.LintEnumAppended },
        { "require-lock-timeout", ErrorCodes.LintDefaultLockTimeout },
        { "require-statement-timeout", ErrorCodes.LintNoStatementTimeout },
        { "require-table-schema", ErrorCodes.LintUnqualifiedName },
        { "require-timeout-settings", ErrorCodes.LintNoStatementTimeout },
        { "syntax-error", ErrorCodes.SqlSyntax },
        { "transaction-nesting", ErrorCodes.TransactionControl },
    };

    private static string Fixture(string rule, string file) => Path.Combine(LintFixturePlans.Folder(RepositoryFiles.Root), rule, file);

    /// <summary>The codes a fixture yields: its findings', or the one code its plan or SQL is refused with.</summary>
    internal static async Task<IReadOnlyList<string>> CodesAsync(string sql, CancellationToken ct)
    {
        using var folder = new ScratchFolder();
        try
        {
            var plan = LintFixturePlans.Load(folder.Path, sql);
            var findings = await new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.ForPlans([plan]), null, ct);
            return [.. findings.Select(f => f.Code)];
        }
        catch (SluiceException e)
        {
            return [e.Code];
        }
    }

    [Theory]
    [MemberData(nameof(Covered))]
    public async Task A_documented_bad_example_is_caught_with_the_rule_that_covers_it(string squawkRule, string code)
    {
        var codes = await CodesAsync(await File.ReadAllTextAsync(Fixture(squawkRule, "bad.sql"), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        Assert.Contains(code, codes);
    }

    [Fact]
    public async Task At_least_36_of_Squawks_rules_are_caught_and_every_good_example_is_clean()
    {
        var ct = TestContext.Current.CancellationToken;
        var caught = 0;
        var dirty = new List<string>();
        foreach (var row in Covered)
        {
            var (rule, code) = (row.Data.Item1, row.Data.Item2);
            if ((await CodesAsync(await File.ReadAllTextAsync(Fixture(rule, "bad.sql"), ct), ct)).Contains(code)) caught++;
            if (File.Exists(Fixture(rule, "good.sql")) && await CodesAsync(await File.ReadAllTextAsync(Fixture(rule, "good.sql"), ct), ct) is { Count: > 0 } found)
                dirty.Add($"{rule}: {string.Join(", ", found)}");
        }
        Assert.Equal(40, Directory.GetDirectories(LintFixturePlans.Folder(RepositoryFiles.Root)).Length);
        Assert.True(caught >= 36, $"caught {caught} of 40");
        Assert.Empty(dirty);
    }

    [Fact]
    public async Task A_statement_that_does_not_parse_is_SLU161_at_its_line()
    {
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, "ALTER TABLE t ADD COLUMN c int;\n\n-- then\nselect f(1,2,);\n");
        var e = await Assert.ThrowsAsync<SluiceException>(() => new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.Default, null, TestContext.Current.CancellationToken));
        Assert.Equal((ErrorCodes.SqlSyntax, 4), (e.Code, e.Line));
        Assert.EndsWith("up.sql", e.File, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finding_has_the_statements_line_and_a_recipe_written_for_that_statement()
    {
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, "-- one\nALTER TABLE t ADD COLUMN c int;\n\nREINDEX INDEX\n  orders_idx;\nALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);\n");
        var findings = await new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.Default, null, TestContext.Current.CancellationToken);
        var reindex = Assert.Single(findings, f => f.Code == ErrorCodes.LintReindexBlocks);
        Assert.Equal(("up.sql", 4), (reindex.File, reindex.Line));
        Assert.StartsWith("REINDEX INDEX CONCURRENTLY", reindex.Recipe, StringComparison.Ordinal);
        var unique = Assert.Single(findings, f => f.Code == ErrorCodes.LintKeyWithoutIndex);
        Assert.Equal(6, unique.Line);
        Assert.Contains("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_key_idx ON public.accounts (email)", unique.Recipe, StringComparison.Ordinal);
        Assert.Contains("ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_key_idx", unique.Recipe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_lock_finding_on_a_table_the_plan_created()
    {
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, "CREATE TABLE public.events (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at timestamptz);\n"
            + "CREATE INDEX events_at_idx ON events (at);\nALTER TABLE events ADD CONSTRAINT events_at_check CHECK (at > '2000-01-01');\nALTER TABLE events ALTER COLUMN at SET NOT NULL;\n");
        Assert.Empty(await new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.Default, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_suppression_comment_keeps_the_finding_as_information_with_its_reason()
    {
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, "-- sluice-ignore rename: no client reads this table yet\nALTER TABLE drafts RENAME TO drafts_v2;\n");
        var finding = Assert.Single(await new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.Default, null, TestContext.Current.CancellationToken));
        Assert.Equal((ErrorCodes.LintRename, FindingSeverity.Info, "no client reads this table yet"), (finding.Code, finding.Severity, finding.Allowed));
        Assert.Contains("allowed: no client reads this table yet", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-- sluice-ignore rename\nALTER TABLE drafts RENAME TO d2;\n", 1)]
    [InlineData("SELECT 1;\n-- sluice-ignore no-such-rule: because\nALTER TABLE drafts RENAME TO d2;\n", 2)]
    public async Task A_suppression_without_a_reason_or_with_an_unknown_rule_is_SLU163_at_its_line(string sql, int line)
    {
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, sql);
        var e = await Assert.ThrowsAsync<SluiceException>(() => new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.Default, null, TestContext.Current.CancellationToken));
        Assert.Equal((ErrorCodes.BadSuppression, line), (e.Code, e.Line));
    }

    [Fact]
    public async Task The_parser_reads_every_script_of_a_run_in_one_call()
    {
        var scripts = Enumerable.Range(1, 30).Select(i => new PlanScript($"s{i}.sql", $"/x/s{i}.sql", $"SELECT {i};\nSELECT 'é{i}';")).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var parsed = await new PgQueryParser().ParseAsync(scripts, TestContext.Current.CancellationToken);
        Assert.All(parsed, p => Assert.Equal([1, 2], p.Statements.Select(s => s.Line)));
        Assert.Equal("SELECT 'é30'", parsed[^1].Statements[1].Text);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"30 scripts took {clock.Elapsed}");
    }
}

public sealed class SamplePlanLintTests
{
    [Fact]
    public async Task The_sample_service_plans_give_no_finding_above_information()
    {
        var plans = ServicePlans.Load(RepositoryFiles.Pipelines, "shop").Plans;
        var findings = (await new Linter(new PgQueryParser()).LintAsync(plans, LintSettings.ForPlans(plans), null, TestContext.Current.CancellationToken))
            .Where(f => f.Severity != FindingSeverity.Info).ToList();
        Assert.True(findings.Count == 0, string.Join("\n", findings.Select(f => $"{f.Code} {f.Plan}/{f.Location}: {f.Message}")));
    }
}

public sealed class PgQueryParserTests
{
    [Fact]
    public async Task Without_Nodejs_the_parse_fails_with_SLU160_and_the_install_command_never_a_silent_skip()
    {
        var installed = new PgQueryParser();
        await installed.ParseAsync([new PlanScript("a.sql", "/x/a.sql", "SELECT 1;")], TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<SluiceException>(() => new PgQueryParser(installed.ToolsFolder, "/nonexistent/bin/node")
            .ParseAsync([new PlanScript("a.sql", "/x/a.sql", "SELECT 1;")], TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.ParserMissing, e.Code);
        Assert.Contains("apt-get install -y nodejs npm", e.Remedy, StringComparison.Ordinal);
    }
}

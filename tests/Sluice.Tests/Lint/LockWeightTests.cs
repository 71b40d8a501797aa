using Sluice.Errors;
using Sluice.Lint;
using Sluice.Lint.Parser;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;
using Sluice.Testing.Lint;

namespace Sluice.Tests.Lint;

/// <summary>One row per row of <see cref="LockWeight"/>, and the same statement weighed on an empty table and on a large busy one.</summary>
public sealed class LockWeightTests
{
    private static DataProfile Profile(long rows, TableActivity? activity) =>
        new(DataProfile.CurrentVersion, "staging", DateTimeOffset.UnixEpoch, [new TableProfile("public", "app_user", rows, [], ["id"], [], [], [], activity)]);

    [Theory]
    [InlineData("W1", -1L, 0.0)]
    [InlineData("W2", 0L, 0.0)]
    [InlineData("W3", 100_000L, 0.0)]
    [InlineData("W3", 50L, 5.0)]
    [InlineData("W4", 5_000L, 0.2)]
    public void Each_row(string row, long rows, double perSecond)
    {
        var profile = rows < 0 ? null : Profile(rows, new TableActivity(perSecond / 2, perSecond / 2));
        Assert.Equal(row, LockWeight.Row("public.app_user", profile, LintSettings.Default));
    }

    [Fact]
    public async Task The_same_index_build_is_information_on_an_empty_idle_table_and_an_error_on_a_large_busy_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, "CREATE INDEX email_idx ON app_user (email);\n");
        var linter = new Linter(new PgQueryParser());
        async Task<LintFinding> With(DataProfile? profile) =>
            Assert.Single(await linter.LintAsync([plan], LintSettings.Default, profile, ct), f => f.Code == ErrorCodes.LintIndexBlocksWrites);

        var empty = await With(Profile(0, new TableActivity(0, 0)));
        var busy = await With(Profile(2_000_000, new TableActivity(120, 40)));
        var unknown = await With(null);

        Assert.Equal((FindingSeverity.Info, FindingSeverity.Error, FindingSeverity.Warning), (empty.Severity, busy.Severity, unknown.Severity));
        Assert.Contains("2,000,000 rows, 120 reads/s and 40 writes/s", busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_relevels_or_turns_off_rules_and_moves_the_threshold_in_sluice_yaml()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new ScratchFolder();
        var plan = LintFixturePlans.Load(folder.Path, "CREATE INDEX email_idx ON app_user (email);\nALTER TABLE app_user RENAME COLUMN a TO b;\n");
        File.WriteAllText(Path.Combine(folder.Path, "svc", "sluice.yaml"), "sensitive_columns: [app_user.email]\nlint:\n  rules:\n    rename: 'off'\n  large_table_rows: 1000\n");
        var findings = await new Linter(new PgQueryParser()).LintAsync([plan], LintSettings.ForPlans([plan]), Profile(5_000, null), ct);
        var index = Assert.Single(findings);
        Assert.Equal((ErrorCodes.LintIndexBlocksWrites, FindingSeverity.Error), (index.Code, index.Severity));
    }

    [Theory]
    [InlineData("lint:\n  rulez: {}\n", 2)]
    [InlineData("lint:\n  rules:\n    SLU999: error\n", 3)]
    [InlineData("lint:\n  rules:\n    rename: loud\n", 3)]
    [InlineData("lint:\n  max_lock_hold: soon\n", 2)]
    [InlineData("linter: {}\n", 1)]
    public void A_bad_lint_section_is_SLU162_with_its_line(string yaml, int line)
    {
        using var folder = new ScratchFolder();
        folder.Write("svc/sluice.yaml", yaml);
        var e = Assert.Throws<SluiceException>(() => LintSettings.Load(Path.Combine(folder.Path, "svc")));
        Assert.Equal((ErrorCodes.BadLintConfig, line), (e.Code, e.Line));
        Assert.EndsWith("sluice.yaml", e.File, StringComparison.Ordinal);
    }
}

namespace Repository.Tests;

/// <summary><c>Lint</c> through the real build, as the pull-request job runs it: no database, findings at their file and
/// line as GitHub annotations and in the step summary, exit 1 on an error finding.</summary>
public sealed class LintCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-lint-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _throwaway.Dispose();

    private const string ExpandUp = "pipelines/shop/migrations/0001_split_customer_name/01_add_split_columns.up.sql";

    private Dictionary<string, string> GitHub() => new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_OUTPUT"] = Path.Combine(_throwaway.Path, "github_output"),
        ["GITHUB_STEP_SUMMARY"] = Path.Combine(_throwaway.Path, "summary.md"),
        // No database reachable: lint must not need one.
        ["SLUICE_DATABASE"] = "Host=192.0.2.1;Port=1;Timeout=1",
    };

    [Fact]
    public async Task The_sample_lints_clean_and_an_expand_phase_that_drops_a_column_fails_at_its_file_and_line()
    {
        var clean = await _throwaway.BuildAsync("Lint", Ct, GitHub());
        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.Contains("no warnings or errors in 1 plan(s)", clean.Output);

        var file = Path.Combine(_throwaway.Path, ExpandUp);
        var lines = File.ReadAllLines(file).Length;
        File.AppendAllText(file, "\nALTER TABLE customers DROP COLUMN full_name;\n");
        var broken = await _throwaway.BuildAsync("Lint", Ct, GitHub());
        Assert.True(broken.ExitCode == 1, broken.Output);
        Assert.Contains($"::error file={ExpandUp},line={lines + 2}::0001_split_customer_name/add_split_columns: ", broken.Output);
        Assert.Contains("SLU142", broken.Output);
        var summary = File.ReadAllText(Path.Combine(_throwaway.Path, "summary.md"));
        Assert.Contains($"**error** `{ExpandUp}:{lines + 2}`", summary);
        Assert.Contains("in an expand phase", summary);
    }
}

namespace Sluice.Build.Tests;

/// <summary>
/// The code printed is the code raised: an exception a library raises with its own code (translated by the build's
/// <see cref="IExceptionTranslator"/>) is printed with that code whether it ends the target incomplete (exit 4) or
/// fails a preflight check (exit 2); the engine's own codes (SLU090, SLU007) only stand in for exceptions without one.
/// </summary>
public sealed class PrintedCodeTests : IDisposable
{
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    /// <summary>A library's error with a code of its own, as the domain's <c>SluiceException</c> is.</summary>
    private sealed class LibraryError(string code, string message, bool incomplete = false) : Exception(message)
    {
        public string Code => code;
        public bool Incomplete => incomplete;
    }

    private sealed class Translating : RecordingBuild, IExceptionTranslator
    {
        public Target Backfill => _ => _.Executes(() => throw new LibraryError("SLU043", "the time budget of 5m ran out", incomplete: true));
        public Target Budgeted => _ => _.Executes(() => throw new IncompleteException("time budget of 50m used"));
        public Target Checked => _ => _.Validates(_ => throw new LibraryError("SLU044", "the journal was written by a newer Sluice")).Executes(() => { });
        public Target Unchecked => _ => _.Validates(_ => throw new InvalidOperationException("the check broke")).Executes(() => { });

        public BuildException? Translate(Exception exception) => exception switch
        {
            LibraryError { Incomplete: true } e => new IncompleteException(e.Code, e.Message, null, e),
            LibraryError e => new BuildException(ExitCode.TargetFailed, e.Code, e.Message, inner: e),
            _ => null,
        };
    }

    [Fact]
    public async Task An_incomplete_target_prints_the_code_it_raised_and_how_to_continue()
    {
        var run = await _root.RunAsync<Translating>("Backfill", cancellationToken: Ct);
        Assert.Equal(ExitCode.Incomplete, run.ExitCode);
        Assert.Equal(TargetStatus.Incomplete, run.Status("Backfill"));
        Assert.Contains("warning: SLU043: the time budget of 5m ran out", run.Output);
        Assert.Contains("remedy: run the same command again to continue", run.Output);
        Assert.DoesNotContain(EngineErrorCodes.Incomplete, run.Output);
    }

    [Fact]
    public async Task An_incomplete_target_without_a_code_of_its_own_prints_the_engines()
    {
        var run = await _root.RunAsync<Translating>("Budgeted", cancellationToken: Ct);
        Assert.Equal(ExitCode.Incomplete, run.ExitCode);
        Assert.Contains($"warning: {EngineErrorCodes.Incomplete}: time budget of 50m used", run.Output);
    }

    [Fact]
    public async Task A_failing_check_keeps_its_code_and_one_without_a_code_gets_the_preflight_code()
    {
        var coded = await _root.RunAsync<Translating>("Checked", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, coded.ExitCode);
        Assert.Contains("error SLU044: Checked: the journal was written by a newer Sluice", coded.Output);

        var plain = await _root.RunAsync<Translating>("Unchecked", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, plain.ExitCode);
        Assert.Contains($"error {EngineErrorCodes.PreflightFailed}: Unchecked: the check broke", plain.Output);
    }
}

namespace Sluice.Build;

/// <summary>Everything a run takes from its process, passed in so tests can run builds in memory.</summary>
/// <param name="Args">The command-line arguments, without the program name.</param>
/// <param name="EnvironmentVariables">The process environment (CI detection, parameter values).</param>
/// <param name="WorkingDirectory">Where the search for <c>.nuke/</c> starts.</param>
/// <param name="Out">The raw output; the run wraps it in secret redaction.</param>
/// <param name="Interactive">A terminal a person watches (live status line, colours).</param>
internal sealed record RunSettings(
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> EnvironmentVariables,
    string WorkingDirectory,
    TextWriter Out,
    bool Interactive = false)
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The secrets of this run; supplied when the caller has already redirected other sinks through them.</summary>
    public SecretRegistry Secrets { get; init; } = new();

    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
}

/// <summary>What a run ended with; <see cref="Outcome"/> is null when it stopped before executing targets.</summary>
internal sealed record RunResult(ExitCode ExitCode, BuildOutcome? Outcome, ExecutionPlan? Plan);

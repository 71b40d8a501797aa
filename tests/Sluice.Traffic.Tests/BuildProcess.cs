using System.Diagnostics;

namespace Sluice.Traffic.Tests;

/// <summary>The repository's real build (<c>_build.dll</c> beside the tests) run as a process of its own in a build
/// root, as a CI step runs it; its output is returned whole and written to the test's log.</summary>
internal static class BuildProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string root, IReadOnlyDictionary<string, string> environment, CancellationToken ct, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "_build.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in new[] { "GITHUB_ACTIONS", "TF_BUILD", "SLUICE_ENV", "SLUICE_ROOT", "SLUICE_PG_BIN" }) start.Environment.Remove(key);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine($"--- {string.Join(' ', arguments)}: exit {process.ExitCode}\n{output}");
        return (process.ExitCode, output);
    }
}

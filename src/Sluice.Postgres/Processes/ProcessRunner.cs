using System.Diagnostics;

namespace Sluice.Postgres.Processes;

/// <summary>Runs a program to completion, capturing its output; cancellation kills it and its children.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var command = string.Join(' ', arguments.Prepend(program));

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start '{program}': {e.Message}", e);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Leave nothing running behind a cancelled build.
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
    }
}

using System.Diagnostics;
using System.Text;

namespace Sluice.Build;

/// <summary>The outcome of a tool run: exit code and the output it printed (both streams, in order).</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public ProcessResult EnsureSuccess(string tool)
    {
        if (ExitCode != 0) throw new InvalidOperationException($"{tool} exited with code {ExitCode}");
        return this;
    }
}

/// <summary>
/// Runs a command-line tool for a target: output streams line by line through the host (so it is redacted and
/// grouped like everything else), the token kills the whole process tree, and the result carries the exit code.
/// </summary>
public static class ProcessTool
{
    public static async Task<ProcessResult> RunAsync(IBuildHost host, string fileName, IEnumerable<string> arguments,
        CancellationToken cancellationToken, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null,
        bool echoOutput = true)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        host.Debug($"> {fileName} {string.Join(" ", start.ArgumentList.Select(Quote))}");
        using var process = new Process { StartInfo = start };
        var captured = new StringBuilder();
        var gate = new Lock();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (gate) captured.AppendLine(line);
            if (echoOutput) host.Info(line);
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);

        if (!process.Start()) throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        process.WaitForExit(); // drains the asynchronous readers
        lock (gate) return new ProcessResult(process.ExitCode, captured.ToString());
    }

    private static string Quote(string argument) => argument.Contains(' ') || argument.Length == 0 ? $"\"{argument}\"" : argument;
}

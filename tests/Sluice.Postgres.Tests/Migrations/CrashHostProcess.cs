using System.Diagnostics;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>Runs tests/Sluice.Migrations.CrashHost as a child process, optionally SIGKILLing it after its k-th backfill report.</summary>
internal static class CrashHostProcess
{
    /// <param name="killAfterBatch">Kill after this many "Backfill" lines (plus <paramref name="jitter"/>); null lets it finish.</param>
    /// <param name="leaseTtl">The host's lease time to live, as the host reads it (<c>1s</c>, <c>60s</c>).</param>
    public static async Task<(int ExitCode, string Output, bool Killed)> RunAsync(string connectionString, string pipelines,
        int? killAfterBatch, TimeSpan jitter, string leaseTtl, CancellationToken cancellationToken)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Sluice.Migrations.CrashHost.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [host, "--connection", connectionString, "--pipelines", pipelines, "--env", "local", "--lease-ttl", leaseTtl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash host");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = new System.Text.StringBuilder();
        var batches = 0;
        var killed = false;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            output.AppendLine(line);
            if (!line.StartsWith("Backfill ", StringComparison.Ordinal) || ++batches != killAfterBatch) continue;
            await Task.Delay(jitter, cancellationToken);
            process.Kill(); // SIGKILL: no finally blocks, no lease release, connections cut mid-statement
            killed = true;
            break;
        }
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, output + await stderr, killed);
    }
}

using System.Diagnostics;
using Sluice.Postgres.Tests.Migrations.Crashes;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>Runs tests/Sluice.Migrations.CrashHost as a child process, optionally SIGKILLing it at a named point of its output.</summary>
internal static class CrashHostProcess
{
    /// <param name="killAfterBatch">Kill after this many "Backfill" lines (plus <paramref name="jitter"/>); null lets it finish.</param>
    /// <param name="leaseTtl">The host's lease time to live, as the host reads it (<c>1s</c>, <c>60s</c>).</param>
    public static Task<(int ExitCode, string Output, bool Killed)> RunAsync(string connectionString, string pipelines,
        int? killAfterBatch, TimeSpan jitter, string leaseTtl, CancellationToken cancellationToken) =>
        RunAsync(connectionString, pipelines,
            killAfterBatch is { } n ? new KillPoint("backfill", "Backfill ", n, jitter, Halt: jitter > TimeSpan.Zero ? KillHalt.Never : KillHalt.AtPoint) : null, leaseTtl,
            rollback: false, cancellationToken);

    /// <param name="kill">Where to SIGKILL it; null lets it finish.</param>
    /// <param name="rollback">Run Rollback instead of Migrate.</param>
    public static async Task<(int ExitCode, string Output, bool Killed)> RunAsync(string connectionString, string pipelines,
        KillPoint? kill, string leaseTtl, bool rollback, CancellationToken cancellationToken)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Sluice.Migrations.CrashHost.dll");
        string[] arguments = [host, "--connection", connectionString, "--pipelines", pipelines, "--env", "local", "--lease-ttl", leaseTtl,
            "--rollback", rollback ? "true" : "false"];
        if (kill is { Halt: not KillHalt.Never })
            arguments = [.. arguments, "--halt-at", kill.Hook, "--halt-occurrence", kill.Occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--halt-on-next", kill.Halt == KillHalt.AtNextPoint ? "true" : "false"];
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash host");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = new System.Text.StringBuilder();
        var seen = 0;
        var killed = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var paused = kill?.PauseAtRow is null ? null : KillWhenPausedAsync(stop.Token);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            output.AppendLine(line);
            if (kill is null || paused is not null || !kill.Matches(line) || ++seen != kill.Occurrence) continue;
            if (kill.Delay > TimeSpan.Zero) await Task.Delay(kill.Delay, cancellationToken);
            process.Kill(); // SIGKILL: no finally blocks, no lease release, connections cut mid-statement
            killed = true;
            break;
        }
        await process.WaitForExitAsync(cancellationToken);
        if (paused is not null)
        {
            await stop.CancelAsync();
            killed = await paused;
        }
        return (process.ExitCode, output + await stderr, killed);

        async Task<bool> KillWhenPausedAsync(CancellationToken token)
        {
            try
            {
                await CrashDatabase.WaitForPauseAsync(connectionString, token);
                process.Kill();
                return true;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return false; // the host ended before its batch reached the pause
            }
        }
    }
}

using System.Linq.Expressions;
using System.Runtime.InteropServices;

namespace Sluice.Build;

/// <summary>
/// Wires a run to the process: standard output and error pass through secret redaction (so even user code's
/// <c>Console.WriteLine</c> cannot leak one), Ctrl-C and SIGTERM cancel the run cleanly (a second Ctrl-C kills),
/// and the exit code is returned to <c>Main</c>, never forced with <c>Environment.Exit</c>.
/// </summary>
internal static class ConsoleEntryPoint
{
    public static int Run<T>(string[] args, Expression<Func<T, Target>>[] defaultTargets) where T : SluiceBuild, new()
    {
        var secrets = new SecretRegistry();
        var stdout = new RedactingWriter(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true }, secrets);
        var stderr = new RedactingWriter(new StreamWriter(Console.OpenStandardError()) { AutoFlush = true }, secrets);
        Console.SetOut(stdout);
        Console.SetError(stderr);

        using var cancellation = new CancellationTokenSource();
        void Cancel(string signal)
        {
            stderr.WriteLine($"cancelling ({signal}): the running target stops at its next checkpoint; assured targets still run");
            cancellation.Cancel();
        }
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            if (cancellation.IsCancellationRequested) return; // the second Ctrl-C ends the process
            e.Cancel = true;
            Cancel("Ctrl-C; press again to kill");
        }
        Console.CancelKeyPress += OnCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            if (!cancellation.IsCancellationRequested) Cancel("SIGTERM");
        });

        try
        {
            var environment = RunSettings.ProcessEnvironment();
            var interactive = !Console.IsOutputRedirected && environment.GetValueOrDefault("TERM") is not (null or "dumb");
            var settings = new RunSettings(args, environment, Directory.GetCurrentDirectory(), stdout, interactive) { Secrets = secrets };
            var result = BuildRunner.RunAsync(settings, cancellation.Token, defaultTargets).GetAwaiter().GetResult();
            return (int)result.ExitCode;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: the build itself failed: {e}");
            return (int)ExitCode.TargetFailed;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
            stdout.Flush();
            stderr.Flush();
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sluice.Build.Tests;

/// <summary>The engine in a real process: the console sinks, exit codes and Ctrl-C, as a user's <c>build.sh</c> would see them.</summary>
public sealed class ProcessTests : IDisposable
{
    private const string Token = "tok-9f8e7d6c5b4a";
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private static string BuildAssembly => Path.Combine(AppContext.BaseDirectory, "Sluice.Build.TestBuild.dll");

    private Process Start(string arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root.Path,
        };
        start.ArgumentList.Add(BuildAssembly);
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(argument);
        foreach (var key in new[] { "GITHUB_ACTIONS", "TF_BUILD", "SLUICE_ENV", "Env" }) start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string arguments, Dictionary<string, string>? environment = null)
    {
        using var process = Start(arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_secret_printed_on_purpose_through_every_console_path_never_appears()
    {
        var (exitCode, stdout, stderr) = await RunAsync("Leak", new() { ["SLUICE_TOKEN"] = Token });
        Assert.Equal(1, exitCode);
        Assert.Contains("stdout: token=***", stdout);
        Assert.Contains("split: ***", stdout);
        Assert.Contains("host: token=***", stdout);
        Assert.Contains("failed while using token ***", stdout);
        Assert.Contains("stderr: token=***", stderr);
        Assert.DoesNotContain(Token, stdout + stderr);
    }

    [Fact]
    public async Task In_GitHub_Actions_the_secret_is_masked_once_by_the_platform_command_and_redacted_everywhere_else()
    {
        var (exitCode, stdout, stderr) = await RunAsync("Leak", new() { ["SLUICE_TOKEN"] = Token, ["GITHUB_ACTIONS"] = "true" });
        Assert.Equal(1, exitCode);
        Assert.Contains($"::add-mask::{Token}", stdout);
        Assert.DoesNotContain(Token, stdout.Replace($"::add-mask::{Token}", "") + stderr);
        Assert.Contains("::error::InvalidOperationException: failed while using token ***", stdout);
    }

    [Fact]
    public async Task An_unknown_target_exits_2_naming_the_closest()
    {
        var (exitCode, stdout, _) = await RunAsync("Helo");
        Assert.Equal(2, exitCode);
        Assert.Contains("error SLU001: unknown target 'Helo'", stdout);
        Assert.Contains("did you mean Hello?", stdout);
    }

    [Fact]
    public async Task A_cycle_exits_2_with_its_path()
    {
        var (exitCode, stdout, _) = await RunAsync("CycleA");
        Assert.Equal(2, exitCode);
        Assert.Contains("error SLU003: targets form a cycle: CycleA -> CycleB -> CycleA", stdout);
    }

    [Fact]
    public async Task A_missing_required_value_exits_2_before_anything_runs()
    {
        var (exitCode, stdout, _) = await RunAsync("Hello Leak");
        Assert.Equal(2, exitCode);
        Assert.Contains("error SLU005: Leak requires parameter --token", stdout);
        Assert.DoesNotContain("hello", stdout);
    }

    [Fact]
    public async Task Help_exits_0_and_hides_unlisted_targets()
    {
        var (exitCode, stdout, _) = await RunAsync("--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("Hello (default)", stdout);
        Assert.Contains("--token VALUE", stdout);
        Assert.DoesNotContain("CycleA", stdout);
    }

    /// <remarks>SIGTERM rather than SIGINT: a child of the test host inherits an ignored SIGINT, which .NET then keeps
    /// ignoring (the shell convention for background jobs). Both signals reach the same cancellation path.</remarks>
    [Fact]
    public async Task SIGTERM_as_sent_by_CI_cancels_the_running_target_runs_assured_targets_and_exits_1()
    {
        var marker = Path.Combine(_root.Path, "started");
        using var process = Start($"Wait Cleanup --marker {marker}");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        while (!File.Exists(marker))
        {
            if (process.HasExited) Assert.Fail("the build ended before Wait started: " + await stdout);
            await Task.Delay(50, Ct);
        }
        Assert.Equal(0, Kill(process.Id, Signal.Terminate));
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the build did not stop after SIGTERM: " + await stdout);
        }

        var output = await stdout;
        Assert.Equal(1, process.ExitCode);
        Assert.Matches(@"Wait\s+│ Cancelled", output);
        Assert.Contains("cleanup ran", output);
        Assert.Matches(@"Cleanup\s+│ Succeeded", output);
        Assert.Contains("cancelling", await stderr);
    }

    private enum Signal
    {
        Terminate = 15,
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, Signal signal);
}

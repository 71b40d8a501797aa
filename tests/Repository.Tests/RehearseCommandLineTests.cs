using System.Diagnostics;

namespace Repository.Tests;

/// <summary>
/// Profile and Rehearse through the real build on the local environment, from a temp root holding a copy of
/// pipelines/ and of one bad rehearsal fixture: the sample passes (exit 0) with its reports written, the bad plan
/// fails (exit 1, SLU064) naming its statement.
/// </summary>
public sealed class RehearseCommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sluice-rehearse-test-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public RehearseCommandLineTests()
    {
        // The cluster's 'postgres' user must traverse the root, as it must a checkout.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(_root, ".nuke"));
        Copy(Path.Combine(RepositoryRoot.Path, "pipelines"), Path.Combine(_root, "pipelines"));
        Copy(Path.Combine(RepositoryRoot.Path, "tests", "Fixtures", "rehearsal", "index-blocking"), Path.Combine(_root, "bad", "items"));
    }

    public void Dispose()
    {
        if (Directory.Exists(Path.Combine(_root, ".sluice"))) _ = RunAsync("Teardown", CancellationToken.None).GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task The_sample_rehearses_with_exit_0_and_a_bad_plan_exits_1_naming_its_statement()
    {
        var profile = await RunAsync("Profile --env local", Ct);
        Assert.True(profile.ExitCode == 0, profile.Output);
        var profileFile = Path.Combine(_root, "pipelines", "shop", "profiles", "local.json");
        Assert.True(File.Exists(profileFile), profile.Output);
        // sluice.yaml marks customers.email and full_name sensitive: their values never reach the profile.
        Assert.DoesNotContain("@example.com", await File.ReadAllTextAsync(profileFile, Ct), StringComparison.Ordinal);

        var rehearse = await RunAsync("Rehearse --env local", Ct);
        Assert.True(rehearse.ExitCode == 0, rehearse.Output);
        var markdown = await File.ReadAllTextAsync(Path.Combine(_root, ".sluice", "reports", "rehearsal-shop-local.md"), Ct);
        Assert.StartsWith("# Rehearsal of shop for local: passed", markdown, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, ".sluice", "reports", "rehearsal-shop-local.json")));

        var bad = await RunAsync("Rehearse --env local --pipelines bad --data-profile pipelines/shop/profiles/local.json", Ct);
        Assert.True(bad.ExitCode == 1, bad.Output);
        Assert.Contains("error SLU064", bad.Output, StringComparison.Ordinal);
        Assert.Contains("0001_index_name/up.sql:1", bad.Output, StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "_build.dll"));
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(argument);
        foreach (var key in new[] { "GITHUB_ACTIONS", "TF_BUILD", "SLUICE_ENV", "SLUICE_ROOT", "SLUICE_PG_BIN" }) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}

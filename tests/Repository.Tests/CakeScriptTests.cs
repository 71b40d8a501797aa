using System.Diagnostics;
using System.Text.Json;

namespace Repository.Tests;

/// <summary>
/// Sluice's services called from a plain build.cake (samples/cake) with the Cake tool pinned in .config/dotnet-tools.json,
/// against a real local cluster that the repository's build provisions in a throwaway root.
/// </summary>
public sealed class CakeScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sluice-cake-test-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CakeScriptTests()
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(_root, ".nuke"));
        CopyFolder(Path.Combine(RepositoryRoot.Path, "pipelines"), Path.Combine(_root, "pipelines"));
    }

    public void Dispose()
    {
        _ = RunAsync("dotnet", [BuildAssembly, "Teardown"], _root, CancellationToken.None).GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    private static string BuildAssembly => Path.Combine(AppContext.BaseDirectory, "_build.dll");

    [Fact]
    public async Task A_cake_script_loads_plans_migrates_and_reads_the_journal_through_Sluices_services()
    {
        var seeded = await RunAsync("dotnet", [BuildAssembly, "SeedSample"], _root, Ct);
        Assert.True(seeded.ExitCode == 0, seeded.Output);
        var restore = await RunAsync("dotnet", ["tool", "restore"], RepositoryRoot.Path, Ct);
        Assert.True(restore.ExitCode == 0, "dotnet tool restore (cake.tool 7.0.0): " + restore.Output);

        var database = LocalConnectionString();
        var migrate = await Cake("Migrate", database);
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("shop/0001_split_customer_name: 5 phases", migrate.Output);
        Assert.Contains("1 plan(s) done", migrate.Output);

        var status = await Cake("Status", database);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("plan 0001_split_customer_name: done", status.Output);
    }

    [Fact]
    public async Task A_bad_plan_fails_the_cake_script_with_Sluices_error_line()
    {
        var restore = await RunAsync("dotnet", ["tool", "restore"], RepositoryRoot.Path, Ct);
        Assert.True(restore.ExitCode == 0, restore.Output);
        File.AppendAllText(Path.Combine(_root, "pipelines", "shop", "migrations", "0001_split_customer_name", "plan.yaml"), "\nsurprise: 1\n");
        var plans = await Cake("Plans", null);
        Assert.NotEqual(0, plans.ExitCode);
        Assert.Contains("error SLU0", plans.Output);
        Assert.Contains("surprise", plans.Output);
    }

    private Task<(int ExitCode, string Output)> Cake(string target, string? database)
    {
        var arguments = new List<string> { "cake", Path.Combine(RepositoryRoot.Path, "samples", "cake", "build.cake"), $"--target={target}",
            $"--pipelines={Path.Combine(_root, "pipelines")}", $"--sluice-bin={Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "_build", "debug")}" };
        if (database is not null) arguments.Add($"--database={database}");
        return RunAsync("dotnet", [.. arguments], RepositoryRoot.Path, Ct);
    }

    private string LocalConnectionString()
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, ".sluice", "local", "cluster.json")));
        var port = state.RootElement.GetProperty("port").GetInt32();
        var password = state.RootElement.GetProperty("password").GetString();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=sluice";
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in new[] { "GITHUB_ACTIONS", "TF_BUILD", "SLUICE_ENV", "SLUICE_ROOT", "SLUICE_DATABASE" }) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}

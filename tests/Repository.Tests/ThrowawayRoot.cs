using System.Diagnostics;

namespace Repository.Tests;

/// <summary>
/// A repository root for one test: a temp folder the cluster's <c>postgres</c> user can traverse (temp folders are
/// created 0700; a checkout is not), with <c>.nuke/</c> and, when asked, a copy of <c>pipelines/</c>. The real build
/// runs against it as a process; whatever clusters a test left running are torn down before the folder goes.
/// </summary>
internal sealed class ThrowawayRoot : IDisposable
{
    public ThrowawayRoot(string prefix, bool withPipelines)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(System.IO.Path.Combine(Path, ".nuke"));
        // The sample service only: a test of one service runs without --service, as a repository of one would.
        if (withPipelines) CopyIn(System.IO.Path.Combine("pipelines", "shop"), System.IO.Path.Combine("pipelines", "shop"));
    }

    public string Path { get; }

    public static string BuildAssembly => System.IO.Path.Combine(AppContext.BaseDirectory, "_build.dll");

    /// <summary>Copies a folder of the checkout (relative to its root) to a folder under this root.</summary>
    public void CopyIn(string fromRepository, string toRoot)
    {
        var from = System.IO.Path.Combine(RepositoryRoot.Path, fromRepository);
        var to = System.IO.Path.Combine(Path, toRoot);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The connection string of a database in this root's local cluster of <paramref name="environment"/>, from
    /// its <c>.sluice/&lt;environment&gt;/cluster.json</c>.</summary>
    public string LocalConnectionString(string database, string environment = "local")
    {
        using var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Path, ".sluice", environment, "cluster.json")));
        var port = state.RootElement.GetProperty("port").GetInt32();
        var password = state.RootElement.GetProperty("password").GetString();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database={database}";
    }

    /// <summary>Runs the repository's build (<c>_build.dll</c>) with these space-separated arguments in this root.</summary>
    public Task<(int ExitCode, string Output)> BuildAsync(string arguments, CancellationToken ct, Dictionary<string, string>? environment = null) =>
        RunAsync("dotnet", [BuildAssembly, .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)], Path, ct, environment);

    /// <summary>Runs a program with the CI and Sluice variables of the test run removed, so only what a test passes counts.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory,
        CancellationToken ct, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in new[] { "GITHUB_ACTIONS", "TF_BUILD", "SLUICE_ENV", "SLUICE_ROOT", "SLUICE_PG_BIN", "SLUICE_DATABASE" }) start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        // Every environment with a local cluster (its folder holds cluster.json) is torn down first.
        var sluice = System.IO.Path.Combine(Path, ".sluice");
        if (Directory.Exists(sluice))
        {
            foreach (var environment in Directory.GetDirectories(sluice).Where(d => File.Exists(System.IO.Path.Combine(d, "cluster.json"))))
                _ = BuildAsync($"Teardown --env {System.IO.Path.GetFileName(environment)}", CancellationToken.None).GetAwaiter().GetResult();
        }
        Directory.Delete(Path, recursive: true);
    }
}

using System.Linq.Expressions;
using Sluice.Build;

namespace Sluice.Build.Tests;

/// <summary>Runs a build in memory against a throwaway root folder and captures everything it prints.</summary>
internal sealed class TestRoot : IDisposable
{
    public TestRoot()
    {
        Path = Directory.CreateTempSubdirectory("sluice-build-test-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, ".nuke"));
    }

    public string Path { get; }

    public TestRoot WithFile(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public async Task<TestRunResult> RunAsync<T>(string args, Dictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default, params Expression<Func<T, Target>>[] defaultTargets)
        where T : SluiceBuild, new()
    {
        var build = new T();
        return await RunAsync(build, args, environment, cancellationToken, defaultTargets.Select(BuildRunner.TargetName).ToArray());
    }

    public async Task<TestRunResult> RunAsync<T>(T build, string args, Dictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default, params string[] defaultTargets)
        where T : SluiceBuild
    {
        var output = new StringWriter();
        var settings = new RunSettings(Split(args), environment ?? new Dictionary<string, string>(), Path, output);
        var result = await BuildRunner.RunAsync(build, settings, defaultTargets, cancellationToken);
        return new TestRunResult(result, output.ToString(), build);
    }

    private static string[] Split(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal sealed record TestRunResult(RunResult Run, string Output, SluiceBuild Build)
{
    public ExitCode ExitCode => Run.ExitCode;

    public TargetResult Result(string target) =>
        Run.Outcome?.Results.SingleOrDefault(r => r.Target == target)
        ?? throw new Xunit.Sdk.XunitException($"{target} is not in the outcome. Output:\n{Output}");

    public TargetStatus Status(string target) => Result(target).Status;

    public IReadOnlyList<string> Planned => Run.Plan?.Targets.Select(t => t.Name).ToList() ?? [];
}

/// <summary>A build whose targets record that they ran, in order.</summary>
public abstract class RecordingBuild : SluiceBuild
{
    public List<string> Ran { get; } = [];

    protected ITargetDefinition Record(ITargetDefinition definition, string name) => definition.Executes(() =>
    {
        lock (Ran) Ran.Add(name);
    });
}

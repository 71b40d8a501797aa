using Sluice.Testing.Mutations;

namespace Sluice.Build.Tests;

/// <summary>Each <c>tests/Fixtures/bad-parameters/</c> file stops the build with exit 2, its code, file and line.</summary>
public sealed class BadParametersFileTests
{
    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "tests", "Fixtures", "bad-parameters"))) return dir.FullName;
            throw new InvalidOperationException($"no tests/Fixtures above {AppContext.BaseDirectory}");
        }
    }

    public static TheoryData<string> Kinds => [.. BadInput.Of(RepositoryRoot, "bad-parameters").Select(f => f.Kind)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_bad_parameters_file_exits_2_naming_its_code_file_and_line(string kind)
    {
        var fixture = BadInput.Of(RepositoryRoot, "bad-parameters").Single(f => f.Kind == kind);
        using var root = new TestRoot();
        File.Copy(Path.Combine(fixture.Folder, "parameters.json"), Path.Combine(root.Path, ".nuke", "parameters.json"));

        var run = await root.RunAsync<ParameterTests.Parameterised>("Show", cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == ExitCode.UsageError, run.Output);
        Assert.Contains($"error {fixture.Code}: ", run.Output);
        Assert.Contains($"({fixture.File}:{fixture.Line})", run.Output);
        Assert.Contains(fixture.Mentions, run.Output);
    }
}

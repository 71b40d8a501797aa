using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CsCheck;
using Sluice.Testing.Mutations;

namespace Sluice.Build.Tests;

/// <summary>
/// Random damage to a parameters file that sets a parameter of every kind never crashes the engine: the build
/// binds it, or stops with exit 2 and <c>error SLU0xx: ... (.nuke/parameters.json:LINE)</c>.
/// </summary>
public sealed partial class ParametersFileProperties : IDisposable
{
    private const string Valid = """
        {
          "$schema": "./build.schema.json",
          "Pipelines": "plans",
          "time-budget": "1h30m",
          "Scale": 0.25,
          "BatchSize": 500,
          "Force": true,
          "Strategy": "blue-green",
          "Output": "out/reports",
          "Owners": ["ana", "bo"],
          "Canary": { "steps": [1, 10, 50], "metric": "errors" },
          "Service": null
        }
        """;

    // Roots are reused (a case rewrites the parameters file), one per case running at a time.
    private readonly ConcurrentBag<TestRoot> _idle = [];
    private readonly ConcurrentBag<TestRoot> _all = [];

    public void Dispose()
    {
        foreach (var root in _all) root.Dispose();
    }

    private TestRoot Take()
    {
        if (_idle.TryTake(out var root)) return root;
        root = new TestRoot();
        _all.Add(root);
        return root;
    }

    [Fact]
    public async Task The_valid_file_binds_every_parameter()
    {
        var root = Take().WithFile(".nuke/parameters.json", Valid);
        var run = await root.RunAsync<ParameterTests.Parameterised>("Show", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(run.ExitCode == ExitCode.Success, run.Output);
        Assert.Equal(["ana", "bo"], ((ParameterTests.Parameterised)run.Build).Owners);
    }

    [Fact]
    public async Task A_mutated_parameters_file_binds_or_exits_2_naming_the_file_and_line()
    {
        var outcomes = new Outcomes();
        await Mutations.CheckAsync(Mutations.Some, async mutations =>
        {
            var root = Take();
            try
            {
                await Case(root, mutations, outcomes);
            }
            finally
            {
                _idle.Add(root);
            }
        });
        TestContext.Current.TestOutputHelper?.WriteLine(outcomes.Summary("mutated parameters files"));
    }

    private static async Task Case(TestRoot root, Mutation[] mutations, Outcomes outcomes)
    {
        var bytes = Mutation.ApplyAll(Valid, mutations, Dialect.Json);
        File.WriteAllBytes(Path.Combine(root.Path, ".nuke", "parameters.json"), bytes);
        var lines = Math.Max(1, new StreamReader(new MemoryStream(bytes)).ReadToEnd().Split('\n').Length);

        var run = await root.RunAsync<ParameterTests.Parameterised>("Show");

        if (run.ExitCode == ExitCode.Success)
        {
            outcomes.Count("bound");
            return;
        }
        Assert.True(run.ExitCode == ExitCode.UsageError, $"exit {(int)run.ExitCode}: {run.Output}");
        var error = Headline().Match(run.Output);
        Assert.True(error.Success, $"no 'error SLU0xx: ... (.nuke/parameters.json:LINE)' in: {run.Output.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)}");
        Assert.InRange(int.Parse(error.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), 1, lines);
        outcomes.Count(error.Groups["code"].Value);
    }

    [GeneratedRegex(@"error (?<code>SLU\d{3}): [\s\S]*?\(\.nuke/parameters\.json:(?<line>\d+)\)")]
    private static partial Regex Headline();
}

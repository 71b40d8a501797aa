using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CsCheck;
using Sluice.Build;
using Sluice.Targets;
using Sluice.Testing.Mutations;

namespace Repository.Tests;

/// <summary>
/// Random damage to an environment file never crashes a run: through the engine's binding and the components'
/// checks (the path <c>--env staging</c> takes), and through the reader that lists every environment (Promote, Diff),
/// a damaged <c>.nuke/parameters.staging.json</c> loads, or the run exits 2 with <c>error SLU0xx: ... (file:line)</c>.
/// </summary>
public sealed partial class EnvironmentFileProperties : IDisposable
{
    /// <summary>Two valid definitions between them use every key of an environment.</summary>
    private static readonly string[] Valid =
    [
        """
        {
          "$schema": "./build.schema.json",
          "environment": {
            "provider": "connection",
            "connection_string_variable": "STAGING_DATABASE_URL",
            "order": 1,
            "protected": true,
            "gates": { "snapshot_max_age": "24h", "approvals": 1 },
            "canary": {
              "strategy": "canary", "requires_phase": "backfill", "flag": "customers.read_split_name",
              "steps": [{ "weight": 5, "interval": "2m" }, { "weight": 100, "interval": "2m" }],
              "metrics": [{ "name": "error_rate", "source": "router", "max": 0.01 }, { "name": "errors", "source": "database", "metric": "sqlstate_errors", "max": 0 }],
              "application_name": "shop-v{version}", "failure_limit": 0, "inconclusive_limit": 2, "consecutive_error_limit": 4, "min_samples": 50,
              "divergence": [{ "name": "full_name", "table": "customers", "expected": "full_name", "actual": "first_name || ' ' || last_name", "written_at": "updated_at" }]
            },
            "calendar": { "time_zone": "Europe/Berlin", "windows": [{ "days": ["mon", "tue"], "from": "09:00", "to": "17:00" }] }
          },
          "TimeBudget": "50m"
        }
        """,
        """
        {
          // a local cluster of its own
          "environment": {
            "provider": "local",
            "data_dir": ".sluice/staging/data",
            "port": 6543,
            "database": "shop",
            "protected": false,
          },
        }
        """,
    ];

    private const string File = ".nuke/parameters.staging.json";

    /// <summary>Reads the environment the two ways a run does, and nothing else: no cluster, no connection.</summary>
    private sealed class Probe : SluiceBuild, IMigrate
    {
        public Target Read => _ => _.Executes(() =>
        {
            Assert.NotNull(((ISluiceComponent)this).SessionRequest);
            Sluice.Environments.EnvironmentCatalog.Read(((ISluiceBuild)this).Root);
        });
    }

    private readonly ConcurrentBag<string> _idle = [];
    private readonly ConcurrentBag<string> _all = [];

    public void Dispose()
    {
        foreach (var root in _all) Directory.Delete(root, recursive: true);
    }

    private string Take()
    {
        if (_idle.TryTake(out var root)) return root;
        root = Directory.CreateTempSubdirectory("sluice-env-props-").FullName;
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        _all.Add(root);
        return root;
    }

    private static async Task<(ExitCode Exit, string Output)> RunAsync(string root, byte[] file)
    {
        System.IO.File.WriteAllBytes(Path.Combine(root, File), file);
        var output = new StringWriter();
        var settings = new RunSettings(["Read", "--env", "staging", "--root", root], new Dictionary<string, string>(), root, output);
        var result = await BuildRunner.RunAsync(new Probe(), settings, [], CancellationToken.None);
        return (result.ExitCode, output.ToString());
    }

    [Fact]
    public async Task The_valid_files_load()
    {
        var root = Take();
        foreach (var valid in Valid)
        {
            var (exit, output) = await RunAsync(root, System.Text.Encoding.UTF8.GetBytes(valid));
            Assert.True(exit == ExitCode.Success, output);
        }
    }

    [Fact]
    public async Task A_mutated_environment_file_loads_or_exits_2_naming_the_file_and_line()
    {
        var outcomes = new Outcomes();
        await Mutations.CheckAsync(Gen.Select(Gen.Int[0, Valid.Length - 1], Mutations.Some), async c =>
        {
            var root = Take();
            try
            {
                var bytes = Mutation.ApplyAll(Valid[c.Item1], c.Item2, Dialect.Json);
                var lines = Math.Max(1, new StreamReader(new MemoryStream(bytes)).ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r').Length);
                var (exit, output) = await RunAsync(root, bytes);
                if (exit == ExitCode.Success)
                {
                    outcomes.Count("loaded");
                    return;
                }
                Assert.True(exit == ExitCode.UsageError, $"exit {(int)exit}: {output}");
                var error = Headline().Match(output);
                Assert.True(error.Success, $"no 'error SLU0xx: ... ({File}:LINE)' in: {output}");
                var line = int.Parse(error.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(line >= 1 && line <= lines, $"line {line} of {lines}: {output}");
                outcomes.Count(error.Groups["code"].Value);
            }
            finally
            {
                _idle.Add(root);
            }
        });
        TestContext.Current.TestOutputHelper?.WriteLine(outcomes.Summary("mutated environment files"));
    }

    [GeneratedRegex(@"error (?<code>SLU\d{3}): [\s\S]*?\(\.nuke/parameters\.staging\.json:(?<line>\d+)\)")]
    private static partial Regex Headline();
}

using Sluice.Build;

namespace Sluice.Build.Tests;

public enum Strategy
{
    RollingUpdate,
    BlueGreen,
}

public sealed record CanarySettings(int[] Steps, string Metric);

public sealed class ParameterTests : IDisposable
{
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    internal sealed class Parameterised : SluiceBuild
    {
        [Parameter("Where plans live")] public string Pipelines = "pipelines";
        [Parameter("Work budget")] public TimeSpan? TimeBudget { get; set; }
        [Parameter("Rows relative to the profile")] public double Scale { get; set; } = 1.0;
        [Parameter("Batch size")] public int BatchSize { get; set; } = 1000;
        [Parameter("Force it")] public bool Force { get; set; }
        [Parameter("Rollout strategy")] public Strategy Strategy { get; set; }
        [Parameter("Output folder")] public AbsolutePath Output { get; set; }
        [Parameter("Owners")] public string[] Owners { get; set; } = [];
        [Parameter("Canary steps")] public CanarySettings? Canary { get; set; }
        [Parameter("Service name")] public string? Service { get; set; }

        public Target Show => _ => _.Executes(() => { });
    }

    private async Task<Parameterised> Bind(string args, Dictionary<string, string>? env = null)
    {
        var run = await _root.RunAsync<Parameterised>("Show " + args, env, Ct);
        Assert.True(run.ExitCode == ExitCode.Success, run.Output);
        return (Parameterised)run.Build;
    }

    [Fact]
    public async Task Values_convert_from_the_command_line_in_kebab_case()
    {
        var build = await Bind("--time-budget 1h30m --scale 0.25 --batch-size 500 --force --strategy blue-green --output out/reports --owners ana bo --pipelines=plans");
        Assert.Equal(TimeSpan.FromMinutes(90), build.TimeBudget);
        Assert.Equal(0.25, build.Scale);
        Assert.Equal(500, build.BatchSize);
        Assert.True(build.Force);
        Assert.Equal(Strategy.BlueGreen, build.Strategy);
        Assert.Equal(Path.Combine(_root.Path, "out", "reports"), build.Output.Value);
        Assert.Equal(["ana", "bo"], build.Owners);
        Assert.Equal("plans", build.Pipelines);
    }

    [Theory]
    [InlineData("50m", 50 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("0.5h", 1800)]
    [InlineData("01:02:03", 3723)]
    public void Durations_parse_in_the_short_form_and_as_time_spans(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ParameterValueConverter.ParseDuration(text));

    [Fact]
    public async Task Resolution_order_is_command_line_then_variables_then_profile_then_shared_file()
    {
        _root.WithFile(".nuke/parameters.json", """{ "Service": "from-shared", "BatchSize": 10, "Scale": 3, "Pipelines": "shared" }""")
            .WithFile(".nuke/parameters.staging.json", """{ "Service": "from-profile", "BatchSize": 20, "scale": 4 }""");
        var env = new Dictionary<string, string> { ["SLUICE_BATCH_SIZE"] = "30", ["Service"] = "from-exact-variable" };

        var build = await Bind("--env staging --service from-command-line", env);
        Assert.Equal("from-command-line", build.Service);
        Assert.Equal(30, build.BatchSize);
        Assert.Equal(4, build.Scale);
        Assert.Equal("shared", build.Pipelines);
        Assert.Equal("staging", build.Env);

        var withoutCommandLine = await Bind("--env staging", env);
        Assert.Equal("from-exact-variable", withoutCommandLine.Service);

        var local = await Bind("");
        Assert.Equal("from-shared", local.Service);
        Assert.Equal(10, local.BatchSize);
    }

    [Fact]
    public async Task The_environment_comes_from_SLUICE_ENV_when_not_on_the_command_line()
    {
        _root.WithFile(".nuke/parameters.prod.json", """{ "Service": "billing" }""");
        var build = await Bind("", new Dictionary<string, string> { ["SLUICE_ENV"] = "prod" });
        Assert.Equal("prod", build.Env);
        Assert.Equal("billing", build.Service);
    }

    [Fact]
    public async Task Structured_parameters_come_from_json_objects()
    {
        _root.WithFile(".nuke/parameters.staging.json", """
            {
              "Canary": { "steps": [5, 25, 100], "metric": "error_rate" }
            }
            """);
        var build = await Bind("--env staging");
        Assert.Equal([5, 25, 100], build.Canary!.Steps);
        Assert.Equal("error_rate", build.Canary.Metric);
    }

    [Fact]
    public async Task An_unknown_environment_is_a_usage_error_that_lists_the_known_ones()
    {
        _root.WithFile(".nuke/parameters.staging.json", "{}").WithFile(".nuke/parameters.production.json", "{}");
        var run = await _root.RunAsync<Parameterised>("Show --env stagign", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("error SLU004: unknown environment 'stagign' (from --env); known: local, production, staging", run.Output);
        Assert.Contains("did you mean staging?", run.Output);
    }

    [Fact]
    public async Task An_unknown_key_in_a_parameters_file_is_an_error_with_file_and_line()
    {
        _root.WithFile(".nuke/parameters.staging.json", "{\n  \"Service\": \"billing\",\n  \"BatchSzie\": 10\n}\n");
        var run = await _root.RunAsync<Parameterised>("Show --env staging", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("error SLU006: unknown key 'BatchSzie' (.nuke/parameters.staging.json:3)", run.Output);
        Assert.Contains("did you mean BatchSize?", run.Output);
    }

    [Fact]
    public async Task A_bad_value_in_a_file_names_the_parameter_the_file_and_the_line()
    {
        _root.WithFile(".nuke/parameters.json", "{\n  \"Service\": \"billing\",\n\n  \"TimeBudget\": \"5x\"\n}\n");
        var run = await _root.RunAsync<Parameterised>("Show", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("error SLU002: parameter --time-budget (from .nuke/parameters.json): '5x' is not a duration (examples: 90s, 50m, 2h, 1h30m, 500ms) (.nuke/parameters.json:4)", run.Output);
    }

    [Fact]
    public async Task A_typo_inside_a_structured_value_is_reported_with_its_line()
    {
        _root.WithFile(".nuke/parameters.json", "{\n  \"Canary\": {\n    \"steps\": [1],\n    \"metric\": 5\n  }\n}\n");
        var run = await _root.RunAsync<Parameterised>("Show", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("parameter --canary", run.Output);
        Assert.Contains("(.nuke/parameters.json:4)", run.Output);
    }

    [Theory]
    [InlineData("--batch-size many", "parameter --batch-size (from --batch-size): 'many' is not a whole number")]
    [InlineData("--strategy canary", "'canary' is not one of: rolling-update, blue-green")]
    [InlineData("--scael 2", "error SLU002: unknown parameter --scael")]
    [InlineData("--force maybe", "error SLU001: unknown target 'maybe'")]
    public async Task Bad_command_line_values_are_usage_errors_naming_the_parameter(string args, string expected)
    {
        var run = await _root.RunAsync<Parameterised>("Show " + args, cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains(expected, run.Output);
    }

    [Fact]
    public async Task A_missing_root_is_a_usage_error()
    {
        var elsewhere = Directory.CreateTempSubdirectory("sluice-no-root-").FullName;
        try
        {
            var output = new StringWriter();
            var result = await BuildRunner.RunAsync(new Parameterised(),
                new RunSettings(["Show"], new Dictionary<string, string>(), elsewhere, output), [], Ct);
            Assert.Equal(ExitCode.UsageError, result.ExitCode);
            Assert.Contains("no .nuke folder", output.ToString());
        }
        finally
        {
            Directory.Delete(elsewhere, true);
        }
    }

    [Theory]
    [InlineData("TimeBudget", "time-budget", "SLUICE_TIME_BUDGET")]
    [InlineData("Env", "env", "SLUICE_ENV")]
    [InlineData("CIRunUrl", "ci-run-url", "SLUICE_CI_RUN_URL")]
    [InlineData("Database", "database", "SLUICE_DATABASE")]
    public void Names_are_kebab_case_options_and_upper_snake_variables(string member, string option, string variable)
    {
        Assert.Equal(option, ParameterNames.Kebab(member));
        Assert.Equal(variable, ParameterNames.EnvironmentVariable(member));
    }
}

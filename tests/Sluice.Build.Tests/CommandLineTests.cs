using Sluice.Build;

namespace Sluice.Build.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class Documented : SluiceBuild
    {
        [Parameter("Npgsql connection string"), Secret] public string? Database { get; set; }
        [Parameter("Stop long work after this and checkpoint")] public TimeSpan? TimeBudget { get; set; }
        [Parameter("Where migration plans live")] public string Pipelines { get; set; } = "pipelines";
        [Parameter("Where reports go (default: reports)")] public string Reports { get; set; } = "reports";

        public Target Gate => _ => _.Description("Checks the gates").Executes(() => { });
        public Target Migrate => _ => _.Description("Runs pending phases").DependsOn(Gate).Environment().Executes(() => { });
        public Target Internal => _ => _.Unlisted().Executes(() => { });
    }

    [Fact]
    public async Task Help_lists_targets_parameters_defaults_environments_and_exit_codes()
    {
        _root.WithFile(".nuke/parameters.staging.json", "{}");
        var run = await _root.RunAsync<Documented>("--help", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        var help = run.Output;
        Assert.Matches(@"Gate\s+Checks the gates", help);
        Assert.Matches(@"Migrate\s+Runs pending phases  \[needs Gate\]  \[acts on --env\]", help);
        Assert.DoesNotContain("Internal", help);
        Assert.Matches(@"--database VALUE\s+Npgsql connection string \(secret\)", help);
        Assert.Matches(@"--time-budget SPAN\s+Stop long work", help);
        Assert.Matches(@"--pipelines VALUE\s+Where migration plans live \(default: pipelines\)", help);
        Assert.Matches(@"--env VALUE\s+The environment to act on.*\(default: local\)", help);
        Assert.Matches(@"--plan \[text\|html\]", help);
        // A description that names its default is not followed by the same default again.
        Assert.Matches(@"--reports VALUE\s+Where reports go \(default: reports\)\r?\n", help);
        Assert.Contains("Environments: local, staging", help);
        Assert.Contains("3 the environment is busy", help);
    }

    [Fact]
    public async Task Plan_prints_the_order_and_the_reasons_without_running_anything()
    {
        var run = await _root.RunAsync<Documented>("Migrate --plan", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Null(run.Run.Outcome);
        Assert.Contains("1. Gate", run.Output);
        Assert.Contains("needed by Migrate", run.Output);
        Assert.Contains("2. Migrate", run.Output);
    }

    [Fact]
    public async Task Plan_html_writes_a_self_contained_page_under_nuke_temp()
    {
        var run = await _root.RunAsync<Documented>("Migrate --plan html", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        var page = File.ReadAllText(Path.Combine(_root.Path, ".nuke", "temp", "plan.html"));
        Assert.Contains("<svg", page);
        Assert.Contains(">Migrate</text>", page);
        Assert.DoesNotContain("<script", page);
        Assert.DoesNotContain("src=", page);
        Assert.DoesNotContain("<link", page);
        Assert.DoesNotMatch(@"href=""https?:", page);
    }

    [Fact]
    public void The_schema_describes_every_parameter_and_the_target_names()
    {
        var schema = BuildSchema.Generate(typeof(Documented), TargetCatalog.Discover(new Documented()));
        using var document = System.Text.Json.JsonDocument.Parse(schema);
        var properties = document.RootElement.GetProperty("properties");
        Assert.Equal("string", properties.GetProperty("TimeBudget").GetProperty("type").GetString());
        Assert.Contains("secret", properties.GetProperty("Database").GetProperty("description").GetString());
        Assert.Equal("#/definitions/Target", properties.GetProperty("Skip").GetProperty("items").GetProperty("$ref").GetString());
        var targets = document.RootElement.GetProperty("definitions").GetProperty("Target").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["Gate", "Internal", "Migrate"], targets);
        Assert.False(document.RootElement.GetProperty("additionalProperties").GetBoolean());
    }

    private sealed class Leased : SluiceBuild, IEnvironmentLeaseProvider
    {
        public List<string> Events { get; } = [];
        public Target Plain => _ => _.Executes(() => Events.Add("plain"));
        public Target Migrate => _ => _.Environment().DependsOn(Plain).Executes(() => Events.Add("migrate"));
        public Target Verify => _ => _.Environment().DependsOn(Migrate).Executes(() => Events.Add("verify"));

        public Task<IAsyncDisposable> AcquireEnvironmentLeaseAsync(string environment, string target, CancellationToken cancellationToken)
        {
            Events.Add($"acquire {environment} for {target}");
            return Task.FromResult<IAsyncDisposable>(new Release(Events));
        }

        private sealed class Release(List<string> events) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                events.Add("release");
                return ValueTask.CompletedTask;
            }
        }
    }

    [Fact]
    public async Task The_environment_lease_is_taken_once_before_the_first_environment_target_and_released_at_the_end()
    {
        _root.WithFile(".nuke/parameters.staging.json", "{}");
        var run = await _root.RunAsync<Leased>("Verify --env staging", cancellationToken: Ct);
        Assert.Equal(["plain", "acquire staging for Migrate", "migrate", "verify", "release"], ((Leased)run.Build).Events);
    }

    private sealed class SharedRun : SluiceBuild, IEnvironmentLeaseProvider
    {
        public List<string> Events { get; } = [];
        public Target Migrate => _ => _.Environment().Executes(() => Events.Add($"migrate with {RunScoped(() => new Shared(Events)).Id}"));
        public Target Verify => _ => _.Environment().DependsOn(Migrate).Executes(() =>
        {
            Events.Add($"verify with {RunScoped(() => new Shared(Events)).Id}");
            throw new InvalidOperationException("verify failed");
        });

        public Task<IAsyncDisposable> AcquireEnvironmentLeaseAsync(string environment, string target, CancellationToken cancellationToken)
        {
            Events.Add($"acquire with {RunScoped(() => new Shared(Events)).Id}");
            return Task.FromResult<IAsyncDisposable>(new Shared(Events, "release"));
        }

        private sealed class Shared(List<string> events, string word = "dispose") : IAsyncDisposable
        {
            public Guid Id { get; } = Guid.NewGuid();

            public ValueTask DisposeAsync()
            {
                events.Add(word);
                return ValueTask.CompletedTask;
            }
        }
    }

    [Fact]
    public async Task What_a_run_opens_once_is_shared_by_every_target_and_disposed_after_the_lease_also_on_failure()
    {
        _root.WithFile(".nuke/parameters.staging.json", "{}");
        var run = await _root.RunAsync<SharedRun>("Verify --env staging", cancellationToken: Ct);
        var events = ((SharedRun)run.Build).Events;
        Assert.Equal(ExitCode.TargetFailed, run.ExitCode);
        var id = events[0]["acquire with ".Length..];
        Assert.Equal([$"acquire with {id}", $"migrate with {id}", $"verify with {id}", "release", "dispose"], events);
    }
}

using Sluice.Build.Ci;

namespace Sluice.Build.Tests.Ci;

/// <summary>
/// Golden files for the build shapes Sluice users write, each also checked by actionlint, GitHub's workflow parser and
/// Microsoft's Azure Pipelines schema. Set SLUICE_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
/// </summary>
public sealed class CiShapesTests(CiValidators validators) : IDisposable
{
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class OneJob : SluiceBuild
    {
        public Target Compile => _ => _.Executes(() => { });
        public Target Test => _ => _.DependsOn(Compile).Timeout(TimeSpan.FromMinutes(20)).Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines =>
        [
            new CiPipeline("ci") { DisplayName = "CI", Triggers = [CiTrigger.Push("main"), CiTrigger.PullRequest("main")], Jobs = [CiJob.Of<OneJob>(x => x.Test)] },
        ];
    }

    private sealed class PerEnvironment : SluiceBuild
    {
        [Parameter("Connection string"), Secret(ReadByEnvironmentTargets = true)] public string? Database { get; set; }
        [Parameter("Approver token"), Secret] public string? ApprovalToken { get; set; }

        public Target Rehearse => _ => _.Timeout(TimeSpan.FromMinutes(45)).Produces("rehearsal-report", ".sluice/reports/rehearsal.json").Executes(() => { });
        public Target Gate => _ => _.Environment().Consumes("rehearsal-report").ReadsSecrets(nameof(ApprovalToken)).Executes(() => { });
        public Target Promote => _ => _.Environment().DependsOn(Gate).Timeout(TimeSpan.FromHours(2)).Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines =>
        [
            new CiPipeline("release")
            {
                Triggers = [CiTrigger.Push("main")],
                Oidc = true,
                Reusable = true,
                Jobs =
                [
                    // What Sluice.Targets' WithPostgres() declares, spelt out: the engine only writes what it is given.
                    new CiJob("Rehearse").WithService(Postgres).WithParameter(nameof(Database), "Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=postgres"),
                    new CiJob("Promote") { Environment = "staging" },
                    new CiJob("Promote") { Environment = "production", Needs = ["promote-staging"], Url = "https://shop.example.com" },
                ],
            },
        ];
    }

    private static readonly CiServiceContainer Postgres = new("postgres", "postgres:15")
    {
        Environment = new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = "postgres" },
        Ports = ["5432:5432"],
        HealthCheck = new CiHealthCheck("pg_isready") { Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(5), Retries = 10 },
    };

    /// <summary>Two jobs with a Redis service container: one points the <c>Cache</c> parameter at it (so it gets no
    /// <c>CACHE</c> secret), the other keeps the secret; Azure declares the container once for both.</summary>
    internal sealed class ServiceContainer : SluiceBuild
    {
        [Parameter("Cache address"), Secret] public string? Cache { get; set; }

        public Target IntegrationTest => _ => _.ReadsSecrets(nameof(Cache)).Timeout(TimeSpan.FromMinutes(15)).Executes(() => { });
        public Target Smoke => _ => _.ReadsSecrets(nameof(Cache)).Executes(() => { });

        public static readonly CiServiceContainer Redis = new("redis", "redis:7")
        {
            Ports = ["6379:6379"],
            HealthCheck = new CiHealthCheck("redis-cli ping") { Interval = TimeSpan.FromSeconds(10), Timeout = TimeSpan.FromMilliseconds(2500), Retries = 5 },
        };

        public override IEnumerable<CiPipeline> CiPipelines =>
        [
            new CiPipeline("ci")
            {
                Triggers = [CiTrigger.Push("main")],
                Jobs =
                [
                    new CiJob("IntegrationTest") { Variables = new Dictionary<string, string> { ["REDIS_PORT"] = "6379" } }.WithService(Redis).WithParameter(nameof(Cache), "localhost:6379"),
                    new CiJob("Smoke") { Needs = ["integration-test"] }.WithService(Redis),
                ],
            },
        ];
    }

    private sealed class LongMigration : SluiceBuild
    {
        [Parameter("Connection string"), Secret(ReadByEnvironmentTargets = true)] public string? Database { get; set; }

        public Target Migrate => _ => _.Environment().Resumable().Executes(() => { });
        public Target Verify => _ => _.Environment().DependsOn(Migrate).Timeout(TimeSpan.FromMinutes(10)).Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines =>
        [
            new CiPipeline("migrate")
            {
                Triggers = [CiTrigger.Dispatch("staging"), CiTrigger.Schedule("17,47 * * * *")],
                Reusable = true,
                Jobs =
                [
                    new CiJob("Migrate") { Environment = CiJob.FromDispatch, TimeBudget = TimeSpan.FromMinutes(300) },
                    new CiJob("Verify") { Environment = CiJob.FromDispatch },
                ],
            },
        ];
    }

    private sealed class RollbackOnFailure : SluiceBuild
    {
        public Target Promote => _ => _.Environment().Executes(() => { });
        public Target Rollback => _ => _.Environment().Executes(() => { });
        public Target Smoke => _ => _.Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines =>
        [
            new CiPipeline("deploy")
            {
                Triggers = [CiTrigger.Push("main")],
                Jobs =
                [
                    new CiJob("Promote") { Environment = "staging" },
                    new CiJob("Smoke") { Needs = ["promote-staging"] },
                    new CiJob("Rollback") { Environment = "staging", RunsWhenFailed = "promote-staging" },
                    new CiJob("Rollback") { Id = "rollback-after-smoke", Environment = "staging", RunsWhenFailed = "smoke" },
                ],
            },
        ];
    }

    /// <summary>A test matrix, and a release whose canary runs in the environment's job around its target (lifecycle
    /// hooks), rolled back on failure by the plan a failed step names; run nightly as well.</summary>
    private sealed class CanaryRelease : SluiceBuild
    {
        [Parameter("Connection string"), Secret(ReadByEnvironmentTargets = true)] public string? Database { get; set; }

        public Target Test => _ => _.Timeout(TimeSpan.FromMinutes(20)).Executes(() => { });
        public Target Promote => _ => _.Environment().Executes(() => { });
        public Target Canary => _ => _.Environment().Executes(() => { });
        public Target Rollback => _ => _.Environment().Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines =>
        [
            new CiPipeline("release")
            {
                Triggers = [CiTrigger.Push("main"), CiTrigger.ScheduledRun("23 2 * * *")],
                Jobs =
                [
                    new CiJob("Test")
                    {
                        Matrix = new CiMatrix("server", new[] { "14", "18" }.Select(v => new CiMatrixCell(v, new Dictionary<string, string> { ["SERVER_VERSION"] = v })).ToList()),
                    },
                    new CiJob("Canary")
                    {
                        Id = "release-staging",
                        Environment = "staging",
                        Needs = ["test"],
                        TokenPermissions = new Dictionary<string, string> { ["deployments"] = "write" },
                        Lifecycle = new CiLifecycle
                        {
                            PreDeploy = [new CiHookStep("Promote") { Arguments = ["--canary-stage", "prepare"] }],
                            RouteTraffic = [new CiHookStep("Canary") { Arguments = ["--canary-stage", "route"] }],
                            PostRouteTraffic = [new CiHookStep("Canary") { Arguments = ["--canary-stage", "analyse"] }],
                            OnSuccess = [new CiHookStep("Promote")],
                            OnFailure = [new CiHookStep("Rollback") { RevertsFailedPlan = true }],
                        },
                    },
                ],
            },
        ];
    }

    public static TheoryData<string> Shapes => ["one-job", "per-environment", "long-migration", "rollback-on-failure", "service-container", "canary-release"];

    private SluiceBuild Build(string shape) => shape switch
    {
        "one-job" => new OneJob(),
        "per-environment" => new PerEnvironment(),
        "long-migration" => new LongMigration(),
        "rollback-on-failure" => new RollbackOnFailure(),
        "service-container" => new ServiceContainer(),
        "canary-release" => new CanaryRelease(),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private IReadOnlyList<(string Path, string Content)> Generate(string shape)
    {
        _root.WithFile(".nuke/parameters.staging.json", "{}").WithFile(".nuke/parameters.production.json", "{}");
        return CiGenerator.Generate(Build(shape), new AbsolutePath(_root.Path));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Generated_files_match_the_golden_files(string shape)
    {
        foreach (var (path, content) in Generate(shape))
        {
            var golden = Path.Combine(CiValidators.RepositoryRoot, "tests", "Sluice.Build.Tests", "Ci", "golden", $"{shape}.{Path.GetFileName(path)}");
            if (Environment.GetEnvironmentVariable("SLUICE_UPDATE_GOLDEN") == "1") File.WriteAllText(golden, content);
            Assert.True(File.Exists(golden), $"no golden file {golden}; run with SLUICE_UPDATE_GOLDEN=1 once and review it");
            Assert.Equal(File.ReadAllText(golden), content);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task GitHub_workflows_pass_actionlint_and_GitHubs_own_parser(string shape)
    {
        foreach (var (path, content) in Generate(shape).Where(f => f.Path.StartsWith(".github/", StringComparison.Ordinal)))
        {
            var file = Path.Combine(_root.Path, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, content, Ct);
            var lint = await validators.ActionlintAsync(file, Ct);
            Assert.True(lint.ExitCode == 0, $"actionlint found problems in {shape}:\n{lint.Output}\n{content}");
            var parsed = await validators.WorkflowParserAsync(file, Ct);
            Assert.True(parsed.ExitCode == 0, $"GitHub's workflow parser rejected {shape}:\n{parsed.Output}\n{content}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Azure_pipelines_validate_against_Microsofts_schema(string shape)
    {
        foreach (var (_, content) in Generate(shape).Where(f => f.Path.StartsWith("azure-pipelines", StringComparison.Ordinal)))
        {
            var errors = validators.AzureSchemaErrors(content);
            Assert.True(errors.Count == 0, $"{shape}:\n{string.Join("\n", errors)}\n{content}");
        }
    }

    [Fact]
    public async Task The_repositorys_own_committed_CI_files_pass_the_validators()
    {
        var root = CiValidators.RepositoryRoot;
        var workflows = Directory.GetFiles(Path.Combine(root, ".github", "workflows"), "*.yml");
        Assert.NotEmpty(workflows);
        foreach (var file in workflows)
        {
            var lint = await validators.ActionlintAsync(file, Ct);
            Assert.True(lint.ExitCode == 0, $"actionlint: {file}\n{lint.Output}");
            var parsed = await validators.WorkflowParserAsync(file, Ct);
            Assert.True(parsed.ExitCode == 0, $"workflow parser: {file}\n{parsed.Output}");
        }
        var azure = Directory.GetFiles(root, "azure-pipelines*.yml");
        Assert.NotEmpty(azure);
        foreach (var file in azure)
        {
            var errors = validators.AzureSchemaErrors(await File.ReadAllTextAsync(file, Ct));
            Assert.True(errors.Count == 0, $"{file}:\n{string.Join("\n", errors)}");
        }
    }

    [Fact]
    public async Task A_broken_workflow_is_rejected_by_the_validators_so_a_pass_means_something()
    {
        var file = Path.Combine(_root.Path, "broken.yml");
        await File.WriteAllTextAsync(file, "name: broken\n\"on\": push\njobs:\n  a:\n    runz-on: ubuntu-latest\n    steps:\n      - run: echo\n", Ct);
        Assert.NotEqual(0, (await validators.ActionlintAsync(file, Ct)).ExitCode);
        Assert.NotEqual(0, (await validators.WorkflowParserAsync(file, Ct)).ExitCode);
        Assert.NotEmpty(validators.AzureSchemaErrors("jobs:\n  - job: a\n    stepz: []\n"));
    }

    [Fact]
    public void Deployment_semantics_are_expressed_in_both_dialects()
    {
        var files = Generate("rollback-on-failure").ToDictionary(f => f.Path, f => f.Content);
        var github = files[".github/workflows/deploy.yml"];
        Assert.Contains("environment: staging", github);
        Assert.Contains("cancel-in-progress: false", github);
        Assert.Contains("queue: max", github);
        Assert.Contains("if: failure() && needs.promote-staging.result == 'failure' && needs.promote-staging.outputs.rollback_plan != ''", github);
        var azure = files["azure-pipelines.yml"];
        Assert.Contains("- deployment: promote_staging", azure);
        Assert.DoesNotContain("failure:", azure); // rollbacks are deployment jobs of their own, never an on: failure hook

        var migrate = Generate("long-migration").ToDictionary(f => f.Path, f => f.Content);
        Assert.Contains("--time-budget 300m", migrate[".github/workflows/migrate.yml"]);
        // A reusable pipeline's Azure jobs live in its template; the pipeline file includes it.
        Assert.Contains("- template: azure-pipelines.templates/migrate.template.yml", migrate["azure-pipelines.yml"]);
        Assert.Contains("--time-budget 45m", migrate["azure-pipelines.templates/migrate.template.yml"]); // free Azure jobs stop at 60 minutes
        Assert.Contains("gh workflow run migrate.yml", migrate[".github/workflows/migrate.yml"]);
        Assert.Contains("actions: write", migrate[".github/workflows/migrate.yml"]);
        Assert.Contains("outputs['migrate.run.exit_code']", migrate["azure-pipelines.templates/migrate.template.yml"]);

        var release = Generate("per-environment").ToDictionary(f => f.Path, f => f.Content);
        Assert.Contains("SLUICE_APPROVAL_TOKEN: ${{ secrets.APPROVAL_TOKEN }}", release[".github/workflows/release.yml"]);
        Assert.Contains("SLUICE_APPROVAL_TOKEN: $(APPROVAL_TOKEN)", release["azure-pipelines.templates/release.template.yml"]);
        Assert.Contains($"uses: {GitHubActionPins.UploadArtifact} # v6", release[".github/workflows/release.yml"]);
        Assert.Contains($"uses: {GitHubActionPins.DownloadArtifact} # v6", release[".github/workflows/release.yml"]);
    }

    [Fact]
    public void A_service_container_is_written_for_both_dialects_and_a_job_variable_replaces_the_secret_of_its_name()
    {
        var files = Generate("service-container").ToDictionary(f => f.Path, f => f.Content);
        var github = files[".github/workflows/ci.yml"];
        const string redis = """
                  redis:
                    image: redis:7
                    ports:
                    - 6379:6379
                    options: "--health-cmd \"redis-cli ping\" --health-interval 10s --health-timeout 2500ms --health-retries 5"

            """;
        Assert.Equal(2, Count(github, redis.ReplaceLineEndings("\n")));
        Assert.Equal(1, Count(github, "SLUICE_CACHE: ${{ secrets.CACHE }}")); // Smoke's; IntegrationTest has its own value instead
        Assert.Contains("        REDIS_PORT: \"6379\"\n        SLUICE_CACHE: localhost:6379\n", github);
        var azure = files["azure-pipelines.yml"];
        Assert.Equal(1, Count(azure, "- container: redis\n")); // declared once, used by both jobs
        Assert.Equal(2, Count(azure, "  services:\n    redis: redis\n"));
        Assert.Equal(1, Count(azure, "SLUICE_CACHE: $(CACHE)"));
        Assert.Contains("SLUICE_CACHE: localhost:6379", azure);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Theory]
    [InlineData("on")]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("0123")]
    [InlineData("1.5")]
    [InlineData("null")]
    [InlineData("*/30 * * * *")]
    [InlineData("2026-11-26")]
    public void Strings_a_YAML_1_1_reader_would_misread_are_quoted(string value)
    {
        var yaml = new YMap { { value, value } }.ToYaml();
        Assert.Equal($"\"{value}\": \"{value}\"\n", yaml);
    }

    [Fact]
    public void Plain_strings_stay_plain()
    {
        Assert.Equal("name: ubuntu-latest\nrun: ./build.sh Test --skip\n", new YMap { { "name", "ubuntu-latest" }, { "run", "./build.sh Test --skip" } }.ToYaml());
    }
}

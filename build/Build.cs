using System.Xml.Linq;
using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.Targets;

namespace Sluice.Repository;

/// <summary>This repository's own build: restore, compile, test, pack, benchmark, the generated files, and the sample
/// service's release flow composed from Sluice's components.</summary>
public sealed class Build : SluiceBuild, IProvision, IMigrate, IStatus, ISnapshot, IDiff, IGate, IApprove, IRollback, IPromote, ICanary, IReleaseStatus, IProfile, IRehearse, ILint, IGenerateMonitoring
{
    public static int Main() => Execute<Build>(x => x.Compile);

    [Parameter("Build configuration: Debug or Release")]
    public string Configuration { get; set; } = "Debug";

    [Parameter("Benchmark suites to run (default: all)")]
    public string[] Suites { get; set; } = [];

    [Parameter("Run the large benchmark variants (for example 10M rows)")]
    public bool Large { get; set; }

    [Parameter("Only the test projects whose name contains one of these")]
    public string[] TestProjects { get; set; } = [];

    private string Solution => Root / "Pipeline.sln";
    private AbsolutePath Artifacts => Root / "artifacts";

    public Target Prerequisites => _ => _
        .Description("Installs what the tests need when it is missing: PostgreSQL 15 from the OS packages")
        .Executes(async ct => await new Prerequisites(Host, Root).EnsureAsync(ct));

    public Target Restore => _ => _
        .Description("Restores NuGet packages")
        .Executes(async ct => await DotNet(ct, "restore", Solution, "--nologo", "-v", "quiet"));

    public Target Compile => _ => _
        .Description("Builds every project")
        .DependsOn(Restore)
        .Executes(async ct => await DotNet(ct, "build", Solution, "--no-restore", "--nologo", "-c", Configuration, "-v", "quiet", "-clp:NoSummary"));

    public Target Test => _ => _
        .Description("Runs every test project; prints a closing 'N passed, N failed' line")
        .DependsOn(Compile, Prerequisites)
        .Timeout(TimeSpan.FromMinutes(30))
        .Executes(async ct =>
        {
            await new Prerequisites(Host, Root).EnsureForTestsAsync(ct); // and Chromium: the report tests open their pages in it
            await new TestRunner(Host, Root, Configuration).RunAsync(TestProjects, ct);
        });

    public Target Pack => _ => _
        .Description("Packs the libraries and the dotnet new template into artifacts/packages, versioned from git")
        .DependsOn(Compile)
        .Executes(async ct =>
        {
            foreach (var project in PackedProjects)
                await DotNet(ct, "pack", project, "--nologo", "-c", "Release", "-o", Artifacts / "packages", "-v", "quiet");
        });

    /// <summary>Every project under src/ and templates/: the packages a team references, and Sluice.Templates.</summary>
    private IEnumerable<string> PackedProjects =>
        new[] { Root / "src", Root / "templates" }
            .SelectMany(folder => Directory.GetFiles(folder, "*.csproj", SearchOption.AllDirectories))
            .Where(project => !project.Contains($"{Path.DirectorySeparatorChar}content{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public Target Benchmark => _ => _
        .Description("Runs tests/Sluice.Benchmarks and prints times and ratios against baselines")
        .DependsOn(Prerequisites)
        .Executes(async ct =>
        {
            var arguments = new List<string> { "run", "-c", "Release", "--project", Root / "tests" / "Sluice.Benchmarks", "--", "--root", Root };
            if (Large) arguments.Add("--large");
            arguments.AddRange(Suites);
            await DotNet(ct, [.. arguments]);
        });

    public Target GenerateSchema => _ => _
        .Description("Writes .nuke/build.schema.json from the build's parameters")
        .Executes(() =>
        {
            var path = Root / BuildSchema.RelativePath;
            File.WriteAllText(path, BuildSchema.Generate(GetType(), TargetCatalog.Discover(this)));
            Host.Info($"wrote {BuildSchema.RelativePath}");
        });

    public Target SeedSample => _ => _
        .Description("Loads the sample shop service's base schema and seed rows into the shop's local database when it has none")
        .DependentFor<IMigrate>(x => x.Migrate).DependentFor<IPromote>(x => x.Promote)
        .DependentFor<IProfile>(x => x.Profile).DependentFor<IRehearse>(x => x.Rehearse)
        .DependsOn(Prerequisites) // a fresh machine gets PostgreSQL 15 for the local environment, as for the tests
        .OnlyWhenStatic(() => Env == EnvironmentProfiles.DefaultEnvironment)
        .Executes(async ct => await SampleService.SeedAsync(this, ct));

    public Target GenerateCi => _ => _
        .Description("Writes .github/workflows/*.yml and azure-pipelines*.yml from CiPipelines (and the schema)")
        .DependsOn(GenerateSchema)
        .Executes(() =>
        {
            var changed = CiGenerator.Write(this, Root);
            Host.Info(changed.Count == 0 ? "CI files are current" : $"wrote {string.Join(", ", changed)}");
        });

    /// <summary>
    /// This repository's CI: <c>ci</c> runs the tests on every push and pull request; <c>release</c> rehearses the
    /// sample service on pull requests and promotes it (gates, snapshot, phased migration within a budget that fits the
    /// platform, continued by follow-up runs of the same commit), rolls back what a failed Promote left, and shows the status.
    /// </summary>
    public override IEnumerable<CiPipeline> CiPipelines =>
    [
        new CiPipeline("ci")
        {
            DisplayName = "CI",
            Triggers = [CiTrigger.Push("main"), CiTrigger.PullRequest("main")],
            Jobs = [CiJob.Of<Build>(x => x.Test)],
        },
        new CiPipeline("release")
        {
            DisplayName = "Release (sample service)",
            // A pull request rehearses (a PostgreSQL service container; the report in the step summary) and lints the
            // plans (findings at their file and line, and in the step summary), and deploys nothing. A push to main rehearses, then promotes to staging; production is the same run dispatched with
            // env=production, behind that environment's reviewers, and its order gate wants staging done first.
            Triggers = [CiTrigger.PullRequest("main"), CiTrigger.Push("main"), CiTrigger.Dispatch("staging"), CiTrigger.Schedule("17,47 * * * *")],
            Jobs =
            [
                new CiJob("Lint"),
                new CiJob("Rehearse").WithPostgres(),
                new CiJob("Promote") { Environment = CiJob.FromDispatch, TimeBudget = TimeSpan.FromHours(5), Needs = ["lint", "rehearse"] },
                new CiJob("Rollback") { Environment = CiJob.FromDispatch, RunsWhenFailed = "promote" },
                new CiJob("Status") { Environment = CiJob.FromDispatch, Needs = ["promote"] },
            ],
        },
    ];

    private async Task DotNet(CancellationToken ct, params string[] arguments)
    {
        var result = await ProcessTool.RunAsync(Host, "dotnet", arguments, ct, Root);
        result.EnsureSuccess($"dotnet {arguments[0]}");
    }
}

using System.Xml.Linq;
using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.GitHub;
using Sluice.Targets;

namespace Sluice.Repository;

/// <summary>This repository's own build: restore, compile, test, pack, benchmark, the generated files, and the sample
/// service's release flow composed from Sluice's components.</summary>
public sealed class Build : SluiceBuild, IProvision, IMigrate, IStatus, ISnapshot, IDiff, IGate, IApprove, IRollback, IPromote, ICanary, IReleaseStatus, IProfile, IRehearse, ILint, IGenerateMonitoring,
    IPublishToGitHub, IExpirePartialStates, IReport, IDrill, IRunbook
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

    /// <summary>The drilled service is the sample's: Shop.dll, built beside this build (or <c>--drill-service</c>).</summary>
    Sluice.Drills.IDrillService? IDrill.DrilledService => new ProcessDrillService("shop",
        ((IDrill)this).DrillService is { } path ? Path.GetFullPath(path, Root) : Path.Combine(AppContext.BaseDirectory, "Shop.dll"),
        ((IDrill)this).DrillHealthPath ?? "/health/ready");

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
        .Description("Runs every test project, the database ones on PostgreSQL 14 and 18 as well (SLUICE_PG_VERSION=N: on 14, 15, 16, 17 or 18 alone); prints a closing 'N passed, N failed' line")
        .DependsOn(Compile, Prerequisites)
        .Timeout(TimeSpan.FromMinutes(30))
        .Executes(async ct =>
        {
            await new Prerequisites(Host, Root).EnsureForTestsAsync(ct); // and Chromium: the report tests open their pages in it
            var versions = await new PostgresVersions(Host, Root).EnsureAsync(ct); // 14, 16, 17 and 18 beside the OS's 15
            // A CI matrix cell names one version; a plain run covers the oldest and the newest beside 15, for time.
            var only = Environment.GetEnvironmentVariable("SLUICE_PG_VERSION") is { Length: > 0 } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
            var covered = only is null ? [.. versions.Where(i => PostgresVersions.PlainRunMajors.Contains(i.Major))] : versions;
            await new TestRunner(Host, Root, Configuration).RunAsync(TestProjects, covered, only, ct);
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
        .Description("Loads the sample shop service's base schema and seed rows (or synthetic rows, for staging) into a local cluster's shop database when it has none")
        .DependentFor<IMigrate>(x => x.Migrate).DependentFor<IPromote>(x => x.Promote)
        .DependentFor<IProfile>(x => x.Profile).DependentFor<IRehearse>(x => x.Rehearse)
        .DependsOn(Prerequisites) // a fresh machine gets PostgreSQL 15 for the local environment, as for the tests
        // local, and an environment filled with synthetic data (staging's local copy); no other is ever seeded
        .OnlyWhenStatic(() => Env == EnvironmentProfiles.DefaultEnvironment || FilledWithSyntheticData)
        .Executes(async ct => await SampleService.SeedAsync(this, ct));

    /// <summary>The environment's definition asks for synthetic data (staging's local copy).</summary>
    private bool FilledWithSyntheticData => ((ISluiceComponent)this).EnvironmentDefinition?.SyntheticData is not null;

    public Target GenerateCi => _ => _
        .Description("Writes .github/workflows/*.yml and azure-pipelines*.yml from CiPipelines (and the schema)")
        .DependsOn(GenerateSchema)
        .Executes(() =>
        {
            var changed = CiGenerator.Write(this, Root);
            Host.Info(changed.Count == 0 ? "CI files are current" : $"wrote {string.Join(", ", changed)}");
        });

    /// <summary>This repository's CI (<see cref="Pipelines"/>).</summary>
    public override IEnumerable<CiPipeline> CiPipelines => Pipelines.All(Root);

    private async Task DotNet(CancellationToken ct, params string[] arguments)
    {
        var result = await ProcessTool.RunAsync(Host, "dotnet", arguments, ct, Root);
        result.EnsureSuccess($"dotnet {arguments[0]}");
    }
}

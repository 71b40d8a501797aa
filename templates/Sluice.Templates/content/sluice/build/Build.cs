using Sluice.Build;
using Sluice.Targets;

/// <summary>
/// The SERVICE_NAME repository's build: every Sluice release target (ISluiceRelease: Provision, SeedSchema, Migrate,
/// Status, Snapshot, Lint, Gate, Approve, Rehearse, Promote, Rollback, AcceptSchema, GenerateCi, ...), plus targets of
/// your own. `./build.sh --help` lists them; to pick, list single components instead of ISluiceRelease.
/// </summary>
public sealed class Build : SluiceBuild, ISluiceRelease
{
    public static int Main() => Execute<Build>(x => x.Compile);

    [Parameter("Build configuration: Debug or Release")]
    public string Configuration { get; set; } = "Debug";

    /// <summary>Builds the service's solutions at the root, when there are any; fails when dotnet build does.</summary>
    public Target Compile => _ => _
        .Description("Builds the service's solution")
        .OnlyWhenStatic(() => Solutions.Length > 0)
        .Executes(async ct =>
        {
            foreach (var solution in Solutions)
                (await ProcessTool.RunAsync(Host, "dotnet", ["build", solution, "-c", Configuration], ct, Root)).EnsureSuccess("dotnet build");
        });

    /// <summary>The CI that <c>./build.sh GenerateCi</c> writes: see build/Pipelines.cs.</summary>
    public override IEnumerable<Sluice.Build.Ci.CiPipeline> CiPipelines => Pipelines.All(Root);

    private string[] Solutions =>
        [.. Directory.GetFiles(Root, "*.sln").Concat(Directory.GetFiles(Root, "*.slnx")).Order(StringComparer.Ordinal)];
}

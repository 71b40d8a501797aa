using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.Environments;
using Sluice.Targets;

namespace Sluice.Repository;

/// <summary>
/// This repository's CI, written by <c>./build.sh GenerateCi</c>:
/// <list type="bullet">
/// <item><c>ci</c>: every test project on each push and pull request, and the database test projects once per
/// supported PostgreSQL version (a matrix passing <c>SLUICE_PG_VERSION</c>).</item>
/// <item><c>release</c>: a pull request lints, rehearses (the report as a pull-request comment) and deploys nothing; a push
/// to main promotes staging and then production, each in its environment's job (reviewers, deployment record) and, on
/// failure, a rollback of exactly what the failed step left; where the environment declares a canary (production),
/// the release is split over the job's hooks (see <see cref="Promotion"/>).</item>
/// <item><c>nightly</c>: rehearses the pending plans on staging so rehearsal evidence stays fresh, and acts on expired
/// partial states in every protected environment; the drills join it at <see cref="NightlyDrills"/>.</item>
/// </list>
/// </summary>
internal static class Pipelines
{
    /// <summary>PostgreSQL majors Sluice supports (<c>hash_record_extended</c> needs 14).</summary>
    public static readonly IReadOnlyList<int> PostgresVersions = [.. Sluice.Repository.PostgresVersions.Majors.Append(Sluice.Repository.PostgresVersions.OsMajor).Order()];

    public static IEnumerable<CiPipeline> All(AbsolutePath root) => [Ci(root), Release(root), Nightly(root)];

    private static CiPipeline Ci(AbsolutePath root) => new("ci")
    {
        DisplayName = "CI",
        Triggers = [CiTrigger.Push("main"), CiTrigger.PullRequest("main")],
        Jobs =
        [
            CiJob.Of<Build>(x => x.Test),
            new CiJob("Test")
            {
                Id = "test-postgres",
                Arguments = ["--test-projects", .. DatabaseTestProjects(root)],
                Matrix = new CiMatrix("postgres", PostgresVersions.Select(v => new CiMatrixCell(
                    v.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new Dictionary<string, string> { ["SLUICE_PG_VERSION"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToList()),
            },
        ],
    };

    /// <summary>The test projects that start PostgreSQL clusters: those referencing the shared fixtures.</summary>
    private static IEnumerable<string> DatabaseTestProjects(AbsolutePath root) =>
        Directory.GetFiles(root / "tests", "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains(@"Sluice.Testing.Postgres\Sluice.Testing.Postgres.csproj", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Order(StringComparer.Ordinal);

    private static CiPipeline Release(AbsolutePath root) => new("release")
    {
        DisplayName = "Release (sample service)",
        Triggers = [CiTrigger.PullRequest("main"), CiTrigger.Push("main")],
        Jobs =
        [
            new CiJob("Lint"),
            new CiJob("Rehearse")
            {
                TokenPermissions = new Dictionary<string, string> { ["pull-requests"] = "write" },
                // The reviewer reads the rehearsal on the pull request, passed or failed.
                Lifecycle = new CiLifecycle { OnSuccess = [new CiHookStep("CommentReport")], OnFailure = [new CiHookStep("CommentReport")] },
            }.WithPostgres(),
            Promotion(root, "staging", ["lint", "rehearse"]),
            Promotion(root, "production", ["promote-staging"]),
        ],
    };

    /// <summary>One environment's release in its own job, the deployment recorded around it. Where the environment
    /// declares no canary: Promote, which runs everything under one lease; on failure, the plan a failed step could not
    /// roll back itself. Where it declares one, the release is split over the deployment hooks, each step a process of
    /// its own, the journal carrying the state between them (<see cref="Sluice.Canary.Running.CanaryResumption"/>):
    /// <list type="number">
    /// <item><c>preDeploy</c>: <c>Promote --until-canary</c>, the phases the new version needs, stopping before the canary;</item>
    /// <item><c>deploy</c>: <c>Canary --canary-stage prepare</c>, the canary journaled, traffic on the baseline;</item>
    /// <item><c>routeTraffic</c>: <c>route</c>, every step before the last; <c>postRouteTraffic</c>: <c>analyse</c>, then <c>finish</c>;</item>
    /// <item><c>on: success</c>: <c>Promote</c> continues past the promoted canary (the contract and the rest);</item>
    /// <item><c>on: failure</c>: <c>Canary --canary-stage finish</c> first (traffic back on the baseline, before any phase
    /// the new version needs is reverted), then <c>Rollback</c> of the plan a failed step named (the canary stages name
    /// the paused plan), then the deployment recorded failed.</item>
    /// </list>
    /// GitHub runs the same steps in that order in the environment's job, the failure steps under <c>if: failure()</c>.</summary>
    private static CiJob Promotion(AbsolutePath root, string environment, IReadOnlyList<string> needs) =>
        DeclaresCanary(root, environment)
            ? new CiJob("Canary")
            {
                Id = $"promote-{environment}",
                Environment = environment,
                Needs = needs,
                Arguments = ["--canary-stage", "prepare"],
                TokenPermissions = new Dictionary<string, string> { ["deployments"] = "write" },
                Lifecycle = new CiLifecycle
                {
                    PreDeploy = [Step("PublishDeployment", "--deployment-state", "started"), Step("Promote", "--until-canary")],
                    RouteTraffic = [Step("Canary", "--canary-stage", "route")],
                    PostRouteTraffic = [Step("Canary", "--canary-stage", "analyse"), Step("Canary", "--canary-stage", "finish") with { Label = "finish" }],
                    OnSuccess = [new CiHookStep("Promote"), Step("PublishDeployment", "--deployment-state", "succeeded")],
                    OnFailure = [Step("Canary", "--canary-stage", "finish"), new CiHookStep("Rollback") { RevertsFailedPlan = true },
                        Step("PublishDeployment", "--deployment-state", "failed")],
                },
            }
            : new CiJob("Promote")
            {
                Id = $"promote-{environment}",
                Environment = environment,
                Needs = needs,
                TokenPermissions = new Dictionary<string, string> { ["deployments"] = "write" },
                Lifecycle = new CiLifecycle
                {
                    PreDeploy = [Step("PublishDeployment", "--deployment-state", "started")],
                    OnSuccess = [Step("PublishDeployment", "--deployment-state", "succeeded")],
                    OnFailure = [new CiHookStep("Rollback") { RevertsFailedPlan = true }, Step("PublishDeployment", "--deployment-state", "failed")],
                },
            };

    /// <summary>Whether <c>.nuke/parameters.&lt;environment&gt;.json</c> declares <c>canary</c>.</summary>
    private static bool DeclaresCanary(AbsolutePath root, string environment) =>
        EnvironmentCatalog.Read(root).Defined.Any(e => e.Name == environment && e.Spec.Canary is not null);

    private static CiHookStep Step(string target, params string[] arguments) => new(target) { Arguments = arguments };

    private static CiPipeline Nightly(AbsolutePath root) => new("nightly")
    {
        DisplayName = "Nightly (sample service)",
        Triggers = [CiTrigger.ScheduledRun("23 2 * * *")],
        Jobs =
        [
            new CiJob("Rehearse") { Environment = "staging" },
            .. ProtectedEnvironments(root).Select(env => new CiJob("ExpirePartialStates")
            {
                Environment = env,
                Needs = env == "staging" ? ["rehearse-staging"] : [], // one lease per environment: after the rehearsal
            }),
            .. NightlyDrills,
        ],
    };

    /// <summary>The nightly drills on staging, one job per scenario, after the night's rehearsal and expiry there (one
    /// lease per environment): the corrupted-table drill takes and verifies the snapshot it recovers from first, so its
    /// evidence is measured against last night's data; the others copy from that snapshot too when it is there.</summary>
    private static IEnumerable<CiJob> NightlyDrills =>
    [
        Drill("corrupted-table", ["expire-partial-states-staging"], lifecycle: new CiLifecycle { PreDeploy = [new CiHookStep("Snapshot"), new CiHookStep("VerifySnapshot")] }),
        Drill("killed-backfill", ["drill-corrupted-table"]),
        Drill("failed-contract", ["drill-killed-backfill"]),
    ];

    private static CiJob Drill(string scenario, IReadOnlyList<string> needs, CiLifecycle? lifecycle = null) => new("Drill")
    {
        Id = $"drill-{scenario}",
        Environment = "staging",
        Needs = needs,
        Arguments = ["--scenario", scenario],
        Lifecycle = lifecycle,
    };

    /// <summary>The environments whose definition says <c>protected</c>, in name order.</summary>
    private static IEnumerable<string> ProtectedEnvironments(AbsolutePath root) =>
        EnvironmentCatalog.Read(root).Defined.Where(e => e.Spec.Protected).Select(e => e.Name);
}

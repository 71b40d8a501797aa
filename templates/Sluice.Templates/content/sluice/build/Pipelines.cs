using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.Environments;
using Sluice.Targets;

/// <summary>
/// This repository's CI, written by <c>./build.sh GenerateCi</c> as <c>.github/workflows/release.yml</c> and
/// <c>azure-pipelines.yml</c> (commit them): each pull request and each push to main lints the plans and rehearses
/// them on a PostgreSQL container of the job's own (quick feedback; a pull request deploys nothing); a push to main
/// then promotes each protected environment in turn (<c>.nuke/parameters.ENV.json</c>, in their <c>order</c>), each in
/// its own job (reviewers, deployment record). A protected environment's Promote rehearses on that environment itself
/// first, so the rehearsal evidence its gate reads is in its own journal, not in the container that is gone.
/// </summary>
internal static class Pipelines
{
    public static IEnumerable<CiPipeline> All(AbsolutePath root) => [Release(root)];

    private static CiPipeline Release(AbsolutePath root)
    {
        var promotions = new List<CiJob>();
        var needs = new[] { "lint", "rehearse" };
        foreach (var environment in ProtectedEnvironments(root))
        {
            var id = $"promote-{environment}";
            promotions.Add(new CiJob("Promote")
            {
                Id = id,
                Environment = environment,
                Needs = needs,
                // Rolls back only the plan a failed step could not roll back itself.
                Lifecycle = new CiLifecycle { OnFailure = [new CiHookStep("Rollback") { RevertsFailedPlan = true }] },
            });
            needs = [id];
        }
        return new CiPipeline("release")
        {
            DisplayName = "Release",
            Triggers = [CiTrigger.PullRequest("main"), CiTrigger.Push("main")],
            Jobs = [new CiJob("Lint"), new CiJob("Rehearse").WithPostgres(), .. promotions],
        };
    }

    /// <summary>The environments whose definition says <c>protected</c>, in their promotion order.</summary>
    private static IEnumerable<string> ProtectedEnvironments(AbsolutePath root) =>
        EnvironmentCatalog.Read(root).Defined
            .Where(e => e.Spec.Protected)
            .OrderBy(e => EnvironmentCatalog.OrderOf(e.Name, e.Spec)).ThenBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => e.Name);
}

namespace Sluice.Publishing;

/// <summary>One run's deployment to one environment, as the place teams look shows it.</summary>
/// <param name="Environment">The environment deployed to.</param>
/// <param name="Ref">The branch, tag or commit deployed.</param>
/// <param name="Description">One line: the plans being promoted.</param>
/// <param name="LogUrl">The CI run's log; null outside CI.</param>
/// <param name="EnvironmentUrl">Where the deployed service answers; null when the environment has no address.</param>
public sealed record DeploymentRun(string Environment, string Ref, string Description, Uri? LogUrl, Uri? EnvironmentUrl);

/// <summary>Where a deployment ended.</summary>
public enum DeploymentOutcome { Succeeded, Failed }

/// <summary>A deployment created by <see cref="IDeploymentTracker.StartAsync"/>.</summary>
public sealed record TrackedDeployment(long Id, DeploymentRun Run);

/// <summary>
/// Records a run's deployment where the team looks: started (in progress), then succeeded or failed. A success
/// supersedes the environment's earlier deployments, which are marked inactive.
/// </summary>
public interface IDeploymentTracker
{
    /// <summary>Creates the deployment and marks it in progress.</summary>
    Task<TrackedDeployment> StartAsync(DeploymentRun run, CancellationToken cancellationToken);

    /// <summary>Marks the deployment succeeded (the earlier ones inactive) or failed.</summary>
    Task CompleteAsync(TrackedDeployment deployment, DeploymentOutcome outcome, CancellationToken cancellationToken);
}

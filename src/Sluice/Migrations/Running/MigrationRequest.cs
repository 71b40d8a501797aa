using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>What the Migrate and Status targets ask for, in the terms of the command line (DESIGN §1).</summary>
/// <param name="PipelinesFolder">Where plans live (<c>--pipelines</c>, default <c>pipelines</c>).</param>
/// <param name="Service">Which service (<c>--service</c>); null for the only one.</param>
/// <param name="Environment">The environment acted on (<c>--env</c>); names the lease.</param>
/// <param name="MigrationId">One plan (<c>--migration</c>); null for every pending plan in order.</param>
/// <param name="TimeBudget">After this (<c>--time-budget</c>) the run checkpoints and ends Incomplete (exit 4).</param>
/// <param name="By">Who runs; null reads the process environment (user, host, CI run URL) once, when the request is made.</param>
/// <param name="Plans">The service's plans, already loaded (an environment session loads them once per run); null
/// loads them from <paramref name="PipelinesFolder"/> when asked.</param>
public sealed record MigrationRequest(
    string PipelinesFolder,
    string? Service,
    string Environment,
    string? MigrationId = null,
    TimeSpan? TimeBudget = null,
    Journal.RunnerIdentity? By = null,
    ServicePlans? Plans = null)
{
    /// <summary>Who runs: one fact of the request, read once.</summary>
    public Journal.RunnerIdentity By { get; init; } = By ?? Journal.RunnerIdentity.FromEnvironment(Environments.EnvironmentRequest.ProcessVariables());

    /// <summary>The plans asked for (<see cref="MigrationId"/>, or all in order): the loaded ones when given, else read now.</summary>
    public IReadOnlyList<MigrationPlan> PlansToRun() => (Plans ?? ServicePlans.Load(PipelinesFolder, Service)).Select(MigrationId);
}

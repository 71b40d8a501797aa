namespace Sluice.Migrations.Running;

/// <summary>What the Migrate and Status targets ask for, in the terms of the command line (DESIGN §1).</summary>
/// <param name="PipelinesFolder">Where plans live (<c>--pipelines</c>, default <c>pipelines</c>).</param>
/// <param name="Service">Which service (<c>--service</c>); null for the only one.</param>
/// <param name="Environment">The environment acted on (<c>--env</c>); names the lease.</param>
/// <param name="MigrationId">One plan (<c>--migration</c>); null for every pending plan in order.</param>
/// <param name="TimeBudget">After this (<c>--time-budget</c>) the run checkpoints and ends Incomplete (exit 4).</param>
/// <param name="By">Who runs; null reads the process environment (user, host, CI run URL).</param>
public sealed record MigrationRequest(
    string PipelinesFolder,
    string? Service,
    string Environment,
    string? MigrationId = null,
    TimeSpan? TimeBudget = null,
    Journal.RunnerIdentity? By = null);

namespace Sluice.Postgres.Rehearsal;

/// <summary>What to rehearse and on what data.</summary>
/// <param name="ServiceFolder"><c>pipelines/&lt;service&gt;</c>: its schema/ folder builds the database, its migrations/ are rehearsed.</param>
/// <param name="Environment">The environment whose pending plans are rehearsed (named in the report and evidence).</param>
/// <param name="Profile">The data profile to follow.</param>
/// <param name="AppliedPlans">Plans the environment has already applied: built into the schema, not rehearsed.</param>
/// <param name="MigrationId">Only this plan, or every pending plan when null.</param>
/// <param name="Workload">How many seeded workloads to rehearse under, or the one seed to replay (default: 3 fresh seeds).</param>
/// <param name="Plans">The service's plans as the run loaded them at preflight, so the plans rehearsed are the ones
/// validated; null reads them from <paramref name="ServiceFolder"/> (a rehearsal called outside a session).</param>
public sealed record RehearsalRequest(
    string ServiceFolder,
    string Environment,
    Sluice.Rehearsal.Profiles.DataProfile Profile,
    IReadOnlySet<string> AppliedPlans,
    string? MigrationId = null,
    SyntheticOptions? Synthetic = null,
    WorkloadOptions? Workload = null,
    Sluice.Migrations.Plans.ServicePlans? Plans = null)
{
    /// <summary>How the profile's statement mix is replayed and what planner fidelity it must reach.</summary>
    public ReplayOptions Replay { get; init; } = new();
}

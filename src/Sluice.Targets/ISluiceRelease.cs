namespace Sluice.Targets;

/// <summary>
/// Every Sluice target in one interface, for a team that wants the whole release set: provisioning, seeding, migrating,
/// status, snapshots, lint, gates, approval, rehearsal and profiles, Promote and Rollback, the canary, partial-state
/// expiry, the release history report, drills and the Runbook, accepting a schema, Diff, and
/// the generated files (CI, schema, monitoring). <c>public sealed class Build : SluiceBuild, ISluiceRelease</c> is a
/// complete build; list single components instead to pick.
/// </summary>
public interface ISluiceRelease : IProvision, ISeedSchema, IStatus, IReleaseStatus, ISnapshot, ILint, IGate, IApprove, IRehearse, IPromote,
    IRollback, IAcceptSchema, IDiff, IGenerateCi, IGenerateMonitoring, ICanary, IExpirePartialStates, IReport, IDrill, IRunbook
{
}

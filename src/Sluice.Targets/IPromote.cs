using System.Globalization;
using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.Errors;
using Sluice.Postgres.Releases;
using Sluice.Releases;

namespace Sluice.Targets;

/// <summary>
/// <c>Promote</c> releases the pending plans to <c>--env</c>: gates first (a blocked release touches nothing, exit 1),
/// then, where the snapshot gate applies and the build has <see cref="ISnapshot"/>, a snapshot taken and verified,
/// then every phase under the environment's lease honouring <c>--time-budget</c> (exit 4, run again to continue), each
/// verified; on a failure it rolls back exactly the plans it touched and reports both (SLU074). With nothing pending it
/// is a no-op that says so. Its step outputs (<see cref="PromoteOutputs"/>) tell a CI rollback job what, if
/// anything, is left to revert; an incomplete run also writes <c>progress</c> (<see cref="Sluice.Migrations.Status.MigrationStatusReport.Progress"/>); <c>--continue-only</c> only continues a plan in progress.
/// </summary>
public interface IPromote : IGate, IRollback
{
    Target Promote => _ => _
        .Description("Gates, then migrates the pending plans on the environment; rolls back automatically on failure")
        .Environment()
        .Resumable()
        .Validates(CheckReleaseInputsAsync)
        .Executes(async ct =>
        {
            var connectionString = await EnvironmentAccess.ConnectionStringAsync(this, ct);
            await using var database = new PostgresReleaseDatabase(connectionString, EnvironmentAccess.Lease(this), redactor: this.Redactor());
            var migration = ReleaseAccess.Migration(this, Migration, TimeBudget);
            if (await ContinueOnlyScope.NarrowAsync(this, database.Migrations.Providers.Journal, migration, ct) is not { } scoped)
            {
                PromoteOutputs.Of(null, null).WriteTo(Host);
                return;
            }
            var request = ReleaseAccess.Request(this, database, connectionString, scoped);
            if (this is ISnapshot snapshots)
                request = request with { Snapshot = new BuildReleaseSnapshot(snapshots, connectionString) };
            var touched = new TouchedPlan(new MigrationProgressToHost(Host));
            try
            {
                PromoteResult result;
                try
                {
                    result = await database.Service().PromoteAsync(request, touched, ct, PrintGates, Host.Info);
                }
                catch (GatesBlockedException blocked)
                {
                    PrintGates(blocked.Report);
                    throw;
                }
                Host.Info(result.Summary);
                result.Run?.ThrowIfIncomplete();
                PromoteOutputs.Of(null, touched.PlanId).WriteTo(Host);
            }
            catch (Exception failure)
            {
                // The CI jobs after this one decide from these whether anything is left to roll back.
                PromoteOutputs.Of(failure, touched.PlanId).WriteTo(Host);
                // A continuation compares this with the previous run's figure, to stop one that got nothing done.
                if (failure is SluiceException { Kind: ErrorKind.Incomplete })
                    Host.SetOutput(CiOutputs.Progress, (await database.Migrations.Service().StatusAsync(scoped, ct)).Progress.ToString(CultureInfo.InvariantCulture));
                throw;
            }
        });
}

/// <summary>The build's snapshot store (see <see cref="SnapshotAccess"/>), opened only when Promote needs a snapshot.</summary>
public sealed class BuildReleaseSnapshot(ISnapshot build, string connectionString) : IReleaseSnapshot
{
    public async Task<string> TakeVerifiedAsync(CancellationToken cancellationToken) =>
        await new StoreReleaseSnapshot(await SnapshotAccess.StoreAsync(build, connectionString, cancellationToken), connectionString).TakeVerifiedAsync(cancellationToken);
}

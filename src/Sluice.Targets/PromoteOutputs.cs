using Sluice.Build;
using Sluice.Build.Ci;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Running;

namespace Sluice.Targets;

/// <summary>
/// What a Promote run tells the CI jobs after it (step outputs, <see cref="CiOutputs"/>), so a rollback job acts only
/// on what this run did and never reverts a previous good release:
///
/// | # | how Promote ended                                                        | rolled_back | rollback_plan          |
/// |---|--------------------------------------------------------------------------|-------------|------------------------|
/// | 1 | done, nothing pending, or incomplete (exit 0, 4)                         | false       | empty                  |
/// | 2 | blocked by its gates (SLU070), usage error (exit 2), busy (exit 3)       | false       | empty: nothing changed |
/// | 3 | a phase failed and Promote rolled back what it touched (SLU074)          | true        | empty                  |
/// | 4 | any other failure (its rollback failed, SLU075; lease lost; cancelled)   | false       | the plan it was applying, empty if none |
///
/// <c>plan</c> is the last plan this run touched (empty when it touched none), <c>slu_code</c> the error code.
/// </summary>
public sealed record PromoteOutputs(string Plan, string SluCode, bool RolledBack, string RollbackPlan)
{
    public static PromoteOutputs Of(Exception? failure, string? touched)
    {
        var plan = touched ?? "";
        return failure switch
        {
            null => new(plan, "", false, ""),                                                                               // 1
            SluiceException { Kind: ErrorKind.Incomplete } e => new(plan, e.Code, false, ""),                               // 1
            SluiceException { Kind: ErrorKind.Usage or ErrorKind.Busy } e => new(plan, e.Code, false, ""),                  // 2
            SluiceException { Code: ErrorCodes.Blocked } e => new(plan, e.Code, false, ""),                             // 2
            SluiceException { Code: ErrorCodes.PromoteFailed } e => new(plan, e.Code, true, ""),                        // 3
            SluiceException e => new(plan, e.Code, false, plan),                                                            // 4
            _ => new(plan, "", false, plan),                                                                                // 4
        };
    }

    public void WriteTo(IBuildHost host)
    {
        host.SetOutput(CiOutputs.Plan, Plan);
        host.SetOutput(CiOutputs.SluCode, SluCode);
        host.SetOutput(CiOutputs.RolledBack, RolledBack ? "true" : "false");
        host.SetOutput(CiOutputs.RollbackPlan, RollbackPlan);
    }
}

/// <summary>Passes progress on and remembers the last plan it named: the plan the run was applying.</summary>
public sealed class TouchedPlan(IProgress<MigrationProgress> inner) : IProgress<MigrationProgress>
{
    public string? PlanId { get; private set; }

    public void Report(MigrationProgress value)
    {
        if (value.PlanId is not null) PlanId = value.PlanId;
        inner.Report(value);
    }
}

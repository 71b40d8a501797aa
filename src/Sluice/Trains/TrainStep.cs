using Sluice.Migrations.Plans;

namespace Sluice.Trains;

/// <summary>One phase a train runs: a pending phase of a plan of one of its services.</summary>
public sealed record TrainStep(string Service, MigrationPlan Plan, MigrationPhase Phase)
{
    /// <summary>As a <c>requires:</c> entry names it: <c>service/plan_id@phase</c>.</summary>
    public string Key => $"{Service}/{Plan.Id}@{Phase.Name}";

    public override string ToString() => Key;
}

/// <summary>One service's part of a train: its pending plans, each with the phases not yet done, in order.</summary>
public sealed record TrainService(string Service, IReadOnlyList<(MigrationPlan Plan, IReadOnlyList<MigrationPhase> Pending)> Plans);

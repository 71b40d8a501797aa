using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Trains;

/// <summary>
/// One service's run inside a train: before each of its phases it waits for the phase's turn (<see cref="TrainCursor"/>),
/// then asks the dependency gate again, against the journals, for that phase alone (SLU309 when a requirement is not
/// done after all). It records which steps started, for the rollback.
/// </summary>
internal sealed class TrainBarrier(string service, string environment, IReadOnlyList<TrainStep> steps, TrainCursor cursor,
    IRequirementSource requirements, Action<int> started) : IPhaseBarrier
{
    private int? _running;

    public async Task BeforeAsync(MigrationPlan plan, MigrationPhase? next, CancellationToken cancellationToken)
    {
        Finish();
        if (next is null) return;
        var index = Index(plan, next);
        await cursor.TurnAsync(index, cancellationToken);
        var states = new List<(string, RequirementState)>();
        foreach (var requirement in Requirement.Before(plan, next))
            states.Add(($"{plan.Id}@{next.Name}", await requirements.ReadAsync(requirement, cancellationToken)));
        var verdict = DependencyGate.Judge(environment, states);
        if (verdict.Verdict == GateVerdict.Fail)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RequirementNotDone, $"{service}/{verdict.Evidence}", verdict.Remedy, plan.PlanFile, next.Line);
        _running = index;
        started(index);
    }

    public Task RolledBackAsync(bool succeeded, string detail, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The phase that ran before is done (the runner calls the barrier only after it was verified).</summary>
    public void Finish()
    {
        if (_running is { } done) cursor.Done(done);
        _running = null;
    }

    private int Index(MigrationPlan plan, MigrationPhase phase)
    {
        for (var i = 0; i < steps.Count; i++)
            if (steps[i].Service == service && steps[i].Plan.Id == plan.Id && steps[i].Phase.Name == phase.Name) return i;
        throw new InvalidOperationException($"{service}/{plan.Id}@{phase.Name} is not a step of the train");
    }
}

using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Releases;

namespace Sluice.Trains;

/// <summary>One service of a train, as its own environment session offers it (the session holds the service's lease).</summary>
/// <param name="Release">Its promote request (all its plans; the pending ones run).</param>
/// <param name="Migrations">Its migrations, under the lease its session holds.</param>
/// <param name="Releases">Its gates and rollbacks, under the same lease.</param>
/// <param name="Trains">Its journal of trains.</param>
public sealed record TrainMember(string Service, PromoteRequest Release, MigrationService Migrations, ReleaseService Releases, ITrainJournal Trains)
{
    public IMigrationJournal Journal => Release.Sources.Journal;
}

/// <summary>How a train ended.</summary>
public sealed record TrainResult(TrainOutcome Outcome, Guid? Id, IReadOnlyList<TrainStep> Steps, IReadOnlyList<GateReport> Gates, string Summary);

/// <summary>
/// Runs the pending plans of several services on one environment as one release, under the train lease and each
/// service's own lease (the caller holds them): gates per service (with the dependency gate counting what the train
/// runs earlier), then every pending phase in <see cref="TrainPlanner"/>'s order, phase by phase across services. When a
/// phase fails, the services' runs stop before their next phase and the plans the train touched are rolled back,
/// latest-touched first across services; the failure and the rollback are reported together (SLU306; SLU307 when the
/// rollback failed too). The train is journaled in every member's journal.
/// </summary>
public sealed class ReleaseTrain(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <param name="onGates">Shown each service's gate decisions before anything changes (a blocked service throws instead).</param>
    /// <param name="say">Told each step as it starts, and the rollback.</param>
    public async Task<TrainResult> RunAsync(string environment, IReadOnlyList<TrainMember> members, RunnerIdentity by,
        IProgress<MigrationProgress>? progress, Action<GateReport>? onGates, Action<string>? say, CancellationToken cancellationToken)
    {
        var services = new List<TrainService>();
        var pendingOf = new Dictionary<string, IReadOnlyList<Migrations.Plans.MigrationPlan>>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            var pending = await member.Releases.PendingAsync(member.Release.Migration, cancellationToken);
            pendingOf[member.Service] = pending;
            var plans = new List<(Migrations.Plans.MigrationPlan, IReadOnlyList<Migrations.Plans.MigrationPhase>)>();
            foreach (var plan in pending)
            {
                var done = (await member.Journal.ReadPhasesAsync(plan.Id, cancellationToken)).Where(p => p.Status == JournalStatus.Done).Select(p => p.Phase).ToHashSet(StringComparer.Ordinal);
                plans.Add((plan, [.. plan.Phases.Where(p => !done.Contains(p.Name))]));
            }
            services.Add(new TrainService(member.Service, plans));
        }
        var steps = TrainPlanner.Order(services);
        if (steps.Count == 0)
            return new TrainResult(TrainOutcome.Completed, null, steps, [], $"nothing to promote: every plan of {string.Join(", ", members.Select(m => m.Service))} is already done on '{environment}'");

        var journals = new JournalRequirementSource((service, _) =>
            Task.FromResult<IMigrationJournal?>(members.FirstOrDefault(m => m.Service == service)?.Journal));
        // A member's own session reads services outside the train too; the members' journals are the fallback.
        IRequirementSource RequirementsOf(TrainMember member) => member.Release.Sources.Requirements ?? journals;
        var keys = steps.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var reports = new List<GateReport>();
        foreach (var member in members.Where(m => pendingOf[m.Service].Count > 0))
        {
            var outside = new ScheduledRequirements(RequirementsOf(member), keys);
            var report = await member.Releases.GateAsync(member.Release with { Sources = member.Release.Sources with { Requirements = outside } }, cancellationToken);
            if (report.Blocked) throw new GatesBlockedException(report);
            onGates?.Invoke(report);
            reports.Add(report);
        }

        var record = new TrainRecord(Guid.NewGuid(), environment, [.. members.Select(m => m.Service)], [.. steps.Select(s => s.Key)], by.ToString(), _time.GetUtcNow());
        foreach (var member in members) await member.Trains.RecordStartAsync(record, cancellationToken);
        var started = new List<int>();
        var cursor = new TrainCursor(steps.Count);
        void Started(int index)
        {
            lock (started) started.Add(index);
            say?.Invoke($"train step {index + 1}/{steps.Count}: {steps[index]}");
        }
        var failures = new List<Exception>();
        var runs = members.Where(m => steps.Any(s => s.Service == m.Service)).Select(async member =>
        {
            var barrier = new TrainBarrier(member.Service, environment, steps, cursor, RequirementsOf(member), Started);
            try
            {
                await member.Migrations.MigrateAsync(member.Release.Migration, progress, new MigrationRunnerOptions(environment, Barrier: barrier), cancellationToken);
                barrier.Finish();
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(e);
                cursor.Stop($"{member.Service} failed: {e.Message}");
            }
        }).ToList();
        await Task.WhenAll(runs);

        // The first failure is the cause; the others are the runs it stopped.
        var cause = failures.FirstOrDefault(f => f is not SluiceException { Code: ErrorCodes.TrainFailed });
        if (cause is null && failures.Count == 0)
        {
            foreach (var member in members.Where(m => pendingOf[m.Service].Count > 0))
                await member.Releases.RecordPromotedAsync(environment, $"train {record.Id.ToString()[..8]}: {string.Join(", ", pendingOf[member.Service].Select(p => p.Id))}", cancellationToken);
            var summary = $"train on '{environment}' done: {steps.Count} phase(s) of {string.Join(", ", services.Where(s => s.Plans.Count > 0).Select(s => s.Service))}";
            foreach (var member in members) await member.Trains.RecordEndAsync(record.Id, TrainOutcome.Completed, summary, CancellationToken.None);
            return new TrainResult(TrainOutcome.Completed, record.Id, steps, reports, summary);
        }
        cause ??= failures[0];
        if (cause is OperationCanceledException)
        {
            foreach (var member in members)
                await member.Trains.RecordEndAsync(record.Id, TrainOutcome.Cancelled, "cancelled; what had committed stays, run again to continue", CancellationToken.None);
            throw cause;
        }
        var failedAt = cause is SluiceException { Code: ErrorCodes.RequirementNotDone } || started.Count == 0 ? "" : $" at {steps[started[^1]]}";
        await RollBackAsync(environment, members, steps, started, record, $"train on '{environment}' failed{failedAt}: {cause.Message}",
            cause, progress, say, cancellationToken);
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>Rolls back every plan the train touched, the plan whose step ran last first, across services.</summary>
    private static async Task RollBackAsync(string environment, IReadOnlyList<TrainMember> members, IReadOnlyList<TrainStep> steps, List<int> started,
        TrainRecord record, string failure, Exception cause, IProgress<MigrationProgress>? progress, Action<string>? say, CancellationToken cancellationToken)
    {
        var touched = started.Select(i => steps[i]).Reverse().DistinctBy(s => (s.Service, s.Plan.Id)).ToList();
        var reverted = new List<string>();
        try
        {
            foreach (var step in touched)
            {
                var member = members.First(m => m.Service == step.Service);
                say?.Invoke($"rolling back {step.Service}/{step.Plan.Id}");
                var result = await member.Releases.RollbackAsync(member.Release.Migration with { MigrationId = step.Plan.Id }, RollbackTrigger.Automatic, progress, cancellationToken);
                reverted.Add($"{step.Service}/{step.Plan.Id} ({result.Record.PhasesReverted} phase(s))");
            }
        }
        catch (SluiceException rollbackFailure)
        {
            var left = touched.Skip(reverted.Count).Select(s => $"{s.Service}/{s.Plan.Id}");
            var detail = $"{failure}; rolled back {(reverted.Count == 0 ? "nothing" : string.Join(", ", reverted))}; the rollback failed too: {rollbackFailure.Message}; still applied: {string.Join(", ", left)}";
            foreach (var member in members) await member.Trains.RecordEndAsync(record.Id, TrainOutcome.RollbackFailed, detail, CancellationToken.None);
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.TrainRollbackFailed, detail, rollbackFailure.Remedy, rollbackFailure.File, rollbackFailure.Line, cause);
        }
        var done = $"{failure}; rolled back automatically, latest first: {(reverted.Count == 0 ? "nothing had been applied" : string.Join(", ", reverted))}";
        foreach (var member in members) await member.Trains.RecordEndAsync(record.Id, TrainOutcome.RolledBack, done, CancellationToken.None);
        var (file, line, remedy) = cause is SluiceException s ? (s.File, s.Line, s.Remedy) : (null, null, null);
        throw new SluiceException(ErrorKind.Failure, ErrorCodes.TrainFailed, done, remedy ?? $"fix the failing phase and run the train again: ./build.sh Promote --env {environment} --services {string.Join(",", members.Select(m => m.Service))}", file, line, cause);
    }

    /// <summary>The dependency gate's view at the start of a train: a requirement the train runs first counts as scheduled.</summary>
    private sealed class ScheduledRequirements(IRequirementSource inner, IReadOnlySet<string> keys) : IRequirementSource
    {
        public async Task<RequirementState> ReadAsync(Migrations.Plans.Requirement requirement, CancellationToken cancellationToken) =>
            keys.Contains(requirement.Key)
                ? new RequirementState(requirement, JournalStatus.Pending, null, ScheduledEarlier: true)
                : await inner.ReadAsync(requirement, cancellationToken);
    }
}

using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Observability;
using Sluice.Observability.Tracing;

namespace Sluice.Releases;

/// <summary>
/// The plain async API behind Gate, Approve, Promote and Rollback. Promote evaluates the gates (a blocked release
/// touches nothing), migrates under the environment's lease and, when a phase fails, rolls back exactly the plans this
/// run touched under the same lease, and reports both. Every rollback is recorded with its outcome.
/// </summary>
/// <param name="expectations">Where the schema each successful transition leaves is recorded for the drift gate; null records nothing.</param>
/// <param name="replica">The environment's streaming replica: a rollback that reverted something is verified on it too
/// (its fingerprint equals the primary's once replayed, SLU242 when not); null where there is none.</param>
public sealed class ReleaseService(MigrationProviders providers, IReleaseJournal releases, TimeProvider? timeProvider = null,
    ISchemaExpectations? expectations = null, IEnvironmentReplica? replica = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private MigrationService Migrations => new(providers, _time);

    /// <summary>The plans of the request not yet done on its environment, in order.</summary>
    public async Task<IReadOnlyList<MigrationPlan>> PendingAsync(MigrationRequest request, CancellationToken cancellationToken)
    {
        var plans = request.PlansToRun();
        await providers.Journal.EnsureAsync(cancellationToken);
        var pending = new List<MigrationPlan>();
        foreach (var plan in plans)
            if ((await providers.Journal.FindPlanAsync(plan.Id, cancellationToken))?.Status != JournalStatus.Done) pending.Add(plan);
        return pending;
    }

    /// <summary>Evaluates the environment's gates for the pending plans and records the decisions.</summary>
    public async Task<GateReport> GateAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(request.Migration, cancellationToken);
        return await EvaluateAsync(request, pending, onlyGate: null, cancellationToken);
    }

    /// <summary>Records <paramref name="approver"/>'s sign-off of every pending plan; the runner is read from this
    /// machine (OS user, <c>git config user.email</c>), the environment's declared approvers from
    /// <c>.github/sluice-environments.yaml</c> in the working folder (none when it is absent), and the rules of
    /// <see cref="LocalApprovalRules"/> apply.</summary>
    public Task<IReadOnlyList<Approval>> ApproveAsync(MigrationRequest request, string approver, CancellationToken cancellationToken) =>
        ApproveAsync(request, approver, null, cancellationToken);

    /// <summary>As above, each approval signing the evidence as it stands now (<see cref="SignedEvidence"/>: the plan
    /// hash, the rehearsal, the verified snapshot and the change window of <paramref name="release"/>'s environment),
    /// so a change to any of them voids it.</summary>
    public Task<IReadOnlyList<Approval>> ApproveAsync(PromoteRequest release, string approver, CancellationToken cancellationToken)
    {
        var calendar = ChangeCalendar.Read(release.Spec.Calendar, release.SpecFile);
        return ApproveAsync(release.Migration, approver,
            (plan, ct) => SignedEvidence.CurrentAsync(release.Sources, calendar, release.Migration.Environment, plan, ct), cancellationToken);
    }

    private async Task<IReadOnlyList<Approval>> ApproveAsync(MigrationRequest request, string approver,
        Func<MigrationPlan, CancellationToken, Task<SignedEvidence>>? evidence, CancellationToken cancellationToken)
    {
        var root = Directory.GetCurrentDirectory();
        var file = Path.Combine(root, Environments.AsCode.EnvironmentsFile.RelativePath);
        var declared = File.Exists(file) ? Environments.AsCode.EnvironmentsFileReader.Read(file).DeclaredUsers(request.Environment) : [];
        return await ApproveAsync(request, approver, await ApproverIdentity.DetectAsync(root, cancellationToken), declared, evidence, cancellationToken);
    }

    /// <summary>Records the sign-off of every pending plan for the environment by <paramref name="runner"/>, once
    /// <see cref="LocalApprovalRules"/> allow it: <paramref name="by"/> is the runner, the runner owns none of the
    /// plans, and is one of <paramref name="declaredApprovers"/> when the environment declares any.</summary>
    public Task<IReadOnlyList<Approval>> ApproveAsync(MigrationRequest request, string? by, ApproverIdentity runner,
        IReadOnlyCollection<string> declaredApprovers, CancellationToken cancellationToken) =>
        ApproveAsync(request, by, runner, declaredApprovers, null, cancellationToken);

    /// <inheritdoc cref="ApproveAsync(MigrationRequest, string?, ApproverIdentity, IReadOnlyCollection{string}, CancellationToken)"/>
    /// <param name="evidence">What each approval signs; null signs the plan's hash only.</param>
    public async Task<IReadOnlyList<Approval>> ApproveAsync(MigrationRequest request, string? by, ApproverIdentity runner,
        IReadOnlyCollection<string> declaredApprovers, Func<MigrationPlan, CancellationToken, Task<SignedEvidence>>? evidence, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(by)) LocalApprovalRules.Check(by, runner, [], declaredApprovers);
        var pending = await PendingAsync(request, cancellationToken);
        var approver = LocalApprovalRules.Check(by, runner, pending, declaredApprovers);
        await releases.EnsureAsync(cancellationToken);
        var approvals = new List<Approval>();
        foreach (var plan in pending)
        {
            var signed = evidence is null ? null : await evidence(plan, cancellationToken);
            approvals.Add(new Approval(request.Environment, plan.Id, plan.Hash, approver, _time.GetUtcNow(), signed, runner.OsUser, runner.GitEmail));
        }
        foreach (var approval in approvals) await releases.RecordApprovalAsync(approval, cancellationToken);
        return approvals;
    }

    /// <summary>For each of <paramref name="approvals"/> of <paramref name="release"/>'s environment that signed evidence,
    /// what has changed since (<see cref="SignedEvidence.Voids"/>); an approval of a plan no longer in the service is left out.</summary>
    public async Task<IReadOnlyDictionary<Approval, IReadOnlyList<string>>> ApprovalVoidsAsync(PromoteRequest release, IReadOnlyList<Approval> approvals,
        CancellationToken cancellationToken)
    {
        var calendar = ChangeCalendar.Read(release.Spec.Calendar, release.SpecFile);
        var plans = (release.Migration with { MigrationId = null }).PlansToRun().ToDictionary(p => p.Id, StringComparer.Ordinal);
        var voids = new Dictionary<Approval, IReadOnlyList<string>>();
        foreach (var approval in approvals.Where(a => a.Environment == release.Migration.Environment && a.Signed is not null))
            if (plans.TryGetValue(approval.PlanId, out var plan))
                voids[approval] = approval.Signed!.Voids(await SignedEvidence.CurrentAsync(release.Sources, calendar, approval.Environment, plan, cancellationToken));
        return voids;
    }

    /// <summary>
    /// Reverts the last partial or failed transition (or <c>--migration ID</c>) and records the outcome. An
    /// irreversible applied phase is recorded as needing a snapshot restore and rethrown (SLU047).
    /// </summary>
    public Task<RollbackResult> RollbackAsync(MigrationRequest request, RollbackTrigger trigger, IProgress<MigrationProgress>? progress,
        CancellationToken cancellationToken) =>
        RollbackAsync(Migrations, request, trigger, progress, cancellationToken);

    private async Task<RollbackResult> RollbackAsync(MigrationService migrations, MigrationRequest request, RollbackTrigger trigger,
        IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        await releases.EnsureAsync(cancellationToken);
        using var span = SluiceActivities.StartRollback(request.Environment, request.MigrationId);
        var by = request.By.ToString();
        var started = _time.GetTimestamp();
        RollbackRecord Record(string? planId, RollbackOutcome outcome, int phases, string detail) =>
            new(request.Environment, planId, trigger, outcome, phases, detail, by, _time.GetUtcNow(), _time.GetElapsedTime(started));
        try
        {
            var run = await migrations.RollbackAsync(request, progress, cancellationToken);
            // Readers on the replica see what the revert left only once it replayed it: the rollback is proven there too.
            var onReplica = run.Phases.Count > 0 && replica is not null ? $"; {await replica.VerifyAsync(cancellationToken)}" : "";
            var record = Record(run.Phases.FirstOrDefault()?.PlanId ?? request.MigrationId,
                run.Phases.Count == 0 ? RollbackOutcome.NothingToRollBack : RollbackOutcome.Succeeded, run.Phases.Count, run.Summary + onReplica);
            await releases.RecordRollbackAsync(record, CancellationToken.None);
            if (record.Outcome == RollbackOutcome.Succeeded) Recorded(span, request.Environment, record.PlanId, MetricLabels.Outcomes.Succeeded);
            if (record.Outcome == RollbackOutcome.Succeeded && expectations is not null)
                await expectations.RecordAsync(request.Environment, ExpectationOrigin.Rollback, $"rollback of {record.PlanId}", CancellationToken.None);
            return new RollbackResult(record, run);
        }
        catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
        {
            var outcome = e.Code == ErrorCodes.Irreversible ? RollbackOutcome.NeedsSnapshotRestore : RollbackOutcome.Failed;
            // Recorded even when cancelled: the next reader needs to know a rollback was attempted.
            await releases.RecordRollbackAsync(Record(request.MigrationId, outcome, 0, e.Message), CancellationToken.None);
            Recorded(span, request.Environment, request.MigrationId, MetricLabels.Outcomes.Failed);
            SluiceActivities.RecordFailure(span, e);
            throw;
        }
    }

    /// <summary>A rollback that did something (or failed) counts; one with nothing to roll back does not.</summary>
    private void Recorded(System.Diagnostics.Activity? span, string environment, string? planId, string outcome)
    {
        SluiceActivities.SetOutcome(span, outcome);
        providers.Telemetry?.RolledBack(environment, planId, outcome);
    }

    /// <summary>Records the live schema as the one a completed release leaves, for the drift gate (a train's member).</summary>
    public async Task RecordPromotedAsync(string environment, string detail, CancellationToken cancellationToken)
    {
        if (expectations is not null) await expectations.RecordAsync(environment, ExpectationOrigin.Promote, detail, cancellationToken);
    }

    /// <summary>
    /// Accepts the live schema as the one the drift gate expects: for adopting a database whose schema Sluice did not
    /// make, or after a change by hand that is meant to stay. Journaled with who and why (<c>sluice.schema_expectations</c>).
    /// </summary>
    /// <param name="reason">Why; required (SLU143 without one).</param>
    /// <returns>The drift gate's view afterwards (the expected hash is the live one).</returns>
    public async Task<SchemaDrift> AcceptSchemaAsync(string environment, RunnerIdentity by, string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw SluiceException.Usage(ErrorCodes.AcceptSchemaWithoutReason, "AcceptSchema records why the live schema is accepted, and no reason was given",
                "pass --reason TEXT (for example --reason \"adopted the existing billing database\")");
        var store = expectations ?? throw new InvalidOperationException("this release service records no schema expectations");
        await store.RecordAsync(environment, ExpectationOrigin.Accepted, $"accepted by {by}: {reason.Trim()}", cancellationToken);
        return await store.ReadAsync(environment, cancellationToken);
    }

    /// <summary>
    /// Gate, then migrate the pending plans under the lease; on a failure roll back the plans this run touched,
    /// latest first, and throw SLU074 naming the failure and the rollback (SLU075 when the rollback failed too).
    /// </summary>
    public Task<PromoteResult> PromoteAsync(PromoteRequest request, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken) =>
        PromoteAsync(request, progress, null, null, cancellationToken);

    /// <inheritdoc cref="PromoteAsync(PromoteRequest, IProgress{MigrationProgress}?, CancellationToken)"/>
    /// <param name="onGates">Shown the gate decisions before anything changes (a blocked release throws instead).</param>
    /// <param name="onSnapshot">Told what snapshot was taken and verified before migrating.</param>
    public async Task<PromoteResult> PromoteAsync(PromoteRequest request, IProgress<MigrationProgress>? progress, Action<GateReport>? onGates,
        Action<string>? onSnapshot, CancellationToken cancellationToken)
    {
        var migration = request.Migration;
        var pending = await PendingAsync(migration, cancellationToken);
        if (pending.Count == 0)
            return new PromoteResult(PromoteOutcome.NothingPending, null, null, $"nothing to promote: every plan is already done on '{migration.Environment}'");
        var gates = await EvaluateAsync(request, pending, onlyGate: null, cancellationToken);
        // The snapshot is taken only when nothing else blocks, and the snapshot gate is asked again with it in place.
        if (request.Snapshot is { } snapshot && gates.Results.Any(r => r.Gate == SnapshotGateName)
            && gates.Results.All(r => r.Verdict != GateVerdict.Fail || r.Gate == SnapshotGateName))
        {
            string taken;
            using (var span = SluiceActivities.StartSnapshot(migration.Environment))
            {
                try
                {
                    taken = await snapshot.TakeVerifiedAsync(cancellationToken);
                }
                catch (Exception e)
                {
                    SluiceActivities.RecordFailure(span, e);
                    throw;
                }
            }
            onSnapshot?.Invoke(taken);
            // Only the snapshot gate is asked again: the release's own snapshot is not new evidence, so an approval
            // signed over the snapshot that existed before it stays valid (re-asking the approvals gate voided it).
            // Only that gate is evaluated and journaled again, so the journal holds no second verdict of the others.
            var again = await EvaluateAsync(request, pending, SnapshotGateName, cancellationToken);
            gates = gates with { Results = [.. gates.Results.Select(r => r.Gate == SnapshotGateName ? again.Results.Single() : r)] };
        }
        if (gates.Blocked) throw new GatesBlockedException(gates);
        onGates?.Invoke(gates);

        // One lease for the migration and its rollback: nobody acts in between. Under a run that holds it already, the
        // providers hand that one back.
        await using var lease = await providers.Leases.AcquireAsync(migration.Environment, migration.By, cancellationToken);
        var leased = new MigrationService(providers with { Leases = new HeldLeaseProvider(lease, providers.Leases) }, _time);
        try
        {
            var run = await leased.MigrateAsync(migration, progress, new MigrationRunnerOptions(migration.Environment, Barrier: request.Barrier), cancellationToken);
            if (expectations is not null)
                await expectations.RecordAsync(migration.Environment, ExpectationOrigin.Promote, $"promote of {string.Join(", ", pending.Select(p => p.Id))}", cancellationToken);
            return run.Outcome switch
            {
                MigrationOutcome.Incomplete => new PromoteResult(PromoteOutcome.Incomplete, gates, run, run.Summary),
                MigrationOutcome.Paused => new PromoteResult(PromoteOutcome.Paused, gates, run, run.Summary),
                _ => new PromoteResult(PromoteOutcome.Completed, gates, run, $"promoted {pending.Count} plan(s) to '{migration.Environment}': {run.Summary}"),
            };
        }
        catch (SluiceException failure) when (failure.Kind == ErrorKind.Failure && failure.Code != ErrorCodes.LeaseLost)
        {
            var reverted = new List<string>();
            try
            {
                foreach (var plan in pending.Reverse())
                {
                    var result = await RollbackAsync(leased, migration with { MigrationId = plan.Id }, RollbackTrigger.Automatic, progress, cancellationToken);
                    if (result.Record.Outcome == RollbackOutcome.Succeeded) reverted.Add($"{plan.Id} ({result.Record.PhasesReverted} phase(s))");
                }
            }
            catch (SluiceException rollbackFailure)
            {
                if (request.Barrier is { } failed) await failed.RolledBackAsync(false, rollbackFailure.Message, CancellationToken.None);
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.RollbackFailed,
                    $"promote to '{migration.Environment}' failed: {failure.Message}; the automatic rollback failed too: {rollbackFailure.Message}",
                    rollbackFailure.Remedy, rollbackFailure.File, rollbackFailure.Line, failure);
            }
            if (request.Barrier is { } barrier)
                await barrier.RolledBackAsync(true, reverted.Count == 0 ? "nothing had been applied" : string.Join(", ", reverted), CancellationToken.None);
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.PromoteFailed,
                $"promote to '{migration.Environment}' failed: {failure.Message}; rolled back automatically: {(reverted.Count == 0 ? "nothing had been applied" : string.Join(", ", reverted))}",
                failure.Remedy, failure.File, failure.Line, failure);
        }
    }

    /// <summary>
    /// Acts on every plan that has stayed partial longer than its <c>max_partial_state</c>, as its <c>on_expiry</c> says,
    /// under the environment's lease; each action is journaled. The first row that matches decides, per plan:
    /// <list type="number">
    /// <item>not partial (nothing applied, or every phase done) → nothing;</item>
    /// <item>partial for no longer than <c>max_partial_state</c> → nothing;</item>
    /// <item><c>on_expiry: complete</c> → its remaining phases run; completed, or failed (journaled, then rethrown);</item>
    /// <item><c>on_expiry: rollback</c> → its applied phases are reverted and verified; rolled back, or failed (journaled, then rethrown);</item>
    /// <item><c>on_expiry: alert</c> (the default) → nothing changes; alerted, so someone decides.</item>
    /// </list>
    /// </summary>
    public async Task<IReadOnlyList<ExpiryAction>> ExpirePartialStatesAsync(MigrationRequest request, IProgress<MigrationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await providers.Journal.EnsureAsync(cancellationToken);
        var expired = new List<(MigrationPlan Plan, DateTimeOffset Since)>();
        foreach (var plan in request.PlansToRun())
            if (PartialState.Since(plan, await providers.Journal.ReadPhasesAsync(plan.Id, cancellationToken), now) is { } since && now - since > plan.MaxPartialState)
                expired.Add((plan, since));
        if (expired.Count == 0) return [];

        await releases.EnsureAsync(cancellationToken);
        await using var lease = await providers.Leases.AcquireAsync(request.Environment, request.By, cancellationToken);
        var leased = new MigrationService(providers with { Leases = new HeldLeaseProvider(lease, providers.Leases) }, _time);
        var actions = new List<ExpiryAction>();
        foreach (var (plan, since) in expired)
        {
            var partialFor = $"partial for {Durations.Format(now - since)} (max_partial_state {Durations.Format(plan.MaxPartialState)})";
            ExpiryAction Action(ExpiryOutcome outcome, string detail) =>
                new(request.Environment, plan.Id, plan.OnExpiry, since, outcome, $"{partialFor}: {detail}", request.By.ToString(), _time.GetUtcNow());
            var scoped = request with { MigrationId = plan.Id };
            ExpiryAction action;
            try
            {
                action = plan.OnExpiry switch
                {
                    ExpiryPolicy.Complete => Action(ExpiryOutcome.Completed, (await leased.MigrateAsync(scoped, progress, cancellationToken)).Summary),
                    ExpiryPolicy.Rollback => Action(ExpiryOutcome.RolledBack,
                        (await RollbackAsync(leased, scoped, RollbackTrigger.Automatic, progress, cancellationToken)).Record.Detail),
                    _ => Action(ExpiryOutcome.Alerted, "on_expiry is alert: nothing changed; finish it (Migrate) or revert it (Rollback)"),
                };
            }
            catch (SluiceException failure) when (failure.Kind == ErrorKind.Failure)
            {
                await releases.RecordExpiryActionAsync(Action(ExpiryOutcome.Failed, failure.Message), CancellationToken.None);
                throw;
            }
            await releases.RecordExpiryActionAsync(action, cancellationToken);
            actions.Add(action);
        }
        return actions;
    }

    private const string SnapshotGateName = "snapshot";

    /// <param name="onlyGate">Evaluate (and journal) that gate alone; null for all of them.</param>
    private async Task<GateReport> EvaluateAsync(PromoteRequest request, IReadOnlyList<MigrationPlan> pending, string? onlyGate, CancellationToken cancellationToken)
    {
        var context = new GateContext(request.Migration.Environment, request.Spec, pending, _time.GetUtcNow());
        var gates = GatePolicy.For(context.Environment, request.Spec, context.Risk, request.Earlier, request.Sources, request.SpecFile, pending)
            .Where(g => onlyGate is null || g.Name == onlyGate).ToList();
        var report = await GatePolicy.EvaluateAsync(gates, context, cancellationToken);
        var plans = string.Join(",", pending.Select(p => p.Id));
        foreach (var result in report.Results)
            providers.Telemetry?.GateDecided(context.Environment, plans, result.Gate, result.Verdict.ToString().ToLowerInvariant());
        await releases.EnsureAsync(cancellationToken);
        await releases.RecordGateReportAsync(report, request.Migration.By.ToString(), cancellationToken);
        return report;
    }
}

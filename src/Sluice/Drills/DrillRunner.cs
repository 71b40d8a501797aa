using System.Diagnostics;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Drills;

/// <summary>
/// Runs one drill on copies of an environment and records its evidence, whatever happens:
/// <list type="number">
/// <item>make the working and the reference copy (<see cref="IEnvironmentDrills.CopyAsync"/>; refused before anything is made when a copy would be the environment);</item>
/// <item>let the scenario prepare both (the reference reaches the state a good recovery must reach);</item>
/// <item>start the service against the working copy and wait until it is healthy;</item>
/// <item>inject the fault; the clock starts when the fault is in;</item>
/// <item>run the documented recovery, wait until the service's health endpoint passes again, and compare the working copy's
/// data with the reference's down to the keys; the clock stops when both are known: the time to restore service;</item>
/// <item>rows missing or changed are the data lost; none is <c>Restored</c>, some is <c>DataLost</c>, a recovery that threw or
/// a service that stayed unhealthy is <c>Failed</c> (with why);</item>
/// <item>stop the service, drop both copies (also on a failure or Ctrl-C) and record the result in the environment's journal.</item>
/// </list>
/// </summary>
public sealed class DrillRunner(IEnvironmentDrills drills, IDrillService? service, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;

    public async Task<DrillResult> RunAsync(IDrillScenario scenario, string environment, ServicePlans plans, RunnerIdentity by,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var startedAt = _clock.GetUtcNow();
        var detail = new List<string>();
        void Say(string line) { detail.Add(line); progress?.Report(line); }
        DrillResult result;
        await using (var copies = await drills.CopyAsync(scenario.Needs, cancellationToken))
        {
            Say($"copies of {environment} from {copies.Source}: working {copies.Working.Location}, reference {copies.Reference.Location}");
            var setting = new DrillSetting(copies.Working, copies.Reference, plans.Plans);
            if (await scenario.PrepareAsync(setting, cancellationToken) is { } prepared) Say($"prepared: {prepared}");
            IDrillServiceInstance? instance = null;
            try
            {
                if (service is not null)
                {
                    instance = await service.StartAsync(copies.Working.ConnectionString, cancellationToken);
                    await instance.WaitHealthyAsync(cancellationToken);
                    Say($"service {service.Name} healthy on the working copy");
                }
                else Say("no service to restore is configured: the time to restore covers the data only");
                Say($"fault: {await scenario.InjectAsync(setting, cancellationToken)}");
                var clock = Stopwatch.StartNew();
                try
                {
                    Say($"recovery: {await scenario.RecoverAsync(setting, cancellationToken)}");
                    if (instance is not null)
                    {
                        await instance.WaitHealthyAsync(cancellationToken);
                        Say($"service {service!.Name} healthy again after {clock.Elapsed.TotalSeconds:F1} s");
                    }
                    var diff = await copies.DiffAsync(cancellationToken);
                    var restored = clock.Elapsed;
                    result = Judge(scenario, environment, startedAt, restored, diff, copies.Source, detail, by);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Say($"recovery failed after {clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
                    result = new DrillResult(environment, scenario.Name, startedAt, DrillOutcome.Failed, null, 0, 0, 0, copies.Source,
                        string.Join("\n", detail), by.ToString());
                }
            }
            finally
            {
                if (instance is not null) await instance.DisposeAsync();
            }
        }
        await drills.Journal.RecordAsync(result, cancellationToken);
        return result;
    }

    private static DrillResult Judge(IDrillScenario scenario, string environment, DateTimeOffset startedAt, TimeSpan restored,
        Fingerprints.DiffReport diff, string source, List<string> detail, RunnerIdentity by)
    {
        var missing = diff.Tables.Sum(t => t.Missing);
        var changed = diff.Tables.Sum(t => t.Changed);
        var extra = diff.Tables.Sum(t => t.Extra);
        // A table or a column gone is data lost even where no row can be counted.
        var schemaChanged = diff.SchemaChanges.Count > 0 || diff.OnlyInSource.Count > 0;
        if (diff.AreEqual)
            detail.Add($"data equal to the expected state ({diff.Tables.Count} tables, {diff.Tables.Sum(t => t.SourceRows):N0} rows): 0 rows lost");
        else
            detail.Add($"data differs from the expected state: {string.Join("; ", diff.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(8))}");
        var outcome = diff.AreEqual ? DrillOutcome.Restored : missing + changed > 0 || schemaChanged ? DrillOutcome.DataLost : DrillOutcome.Restored;
        return new DrillResult(environment, scenario.Name, startedAt, outcome, restored, missing, changed, extra, source, string.Join("\n", detail), by.ToString());
    }
}

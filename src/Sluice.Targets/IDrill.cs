using Sluice.Build;
using Sluice.Drills;
using Sluice.Errors;

namespace Sluice.Targets;

/// <summary>
/// <c>Drill --scenario NAME</c> practises a disaster on throwaway copies of the environment's database, never on the
/// environment itself: it injects the scenario's fault, runs the documented recovery and measures the time to restore
/// service (until the service started against the copy passes its health endpoint and the data equals the expected
/// state) and the data lost (rows missing or changed, from the fingerprint diff). The result is journaled in the
/// environment's <c>sluice.drills</c> (the drill gate, the Runbook and the release history read it); the copies are
/// dropped whatever happens. The target fails (SLU320) when the service was not restored or data was lost.
/// <para>It takes no lease: the environment is only read (its snapshot, or a template copy while nobody is connected)
/// and the evidence row appended; the copies have leases of their own.</para>
/// </summary>
public interface IDrill : ISluiceComponent
{
    [Parameter("Drill: the scenario: corrupted-table, killed-backfill, killed-backfill-rollback or failed-contract", Name = "Scenario")]
    string? DrillScenario => this.Parameter<string>();

    [Parameter("Drill: the service's assembly (an ASP.NET Core .dll) started against the copy; its health endpoint must pass again after the recovery")]
    string? DrillService => this.Parameter<string>();

    [Parameter("Drill: the service's health path (default /health/ready)")]
    string? DrillHealthPath => this.Parameter<string>();

    /// <summary>The scenarios <c>--scenario</c> knows; a build overrides it to add its own.</summary>
    DrillScenarios DrillScenarios => DrillScenarios.Default;

    /// <summary>The service a drill restores: <c>--drill-service</c> given its connection string as
    /// <c>ConnectionStrings__&lt;service&gt;</c>, or null for none (the time to restore then covers the data only).</summary>
    IDrillService? DrilledService => DrillService is { } path
        ? new ProcessDrillService(SessionRequest.ServiceName ?? "service", Path.GetFullPath(path, Root), DrillHealthPath ?? "/health/ready")
        : null;

    Target Drill => _ => _
        .Description("A disaster drill on a copy of the environment (--scenario NAME): time to restore service and data lost, journaled")
        // No lease (it works on copies), but it reaches the environment as an environment target does.
        .ReadsSecrets(nameof(Database))
        .Validates(_ => CheckDrillAsync())
        .Executes(async ct =>
        {
            var scenario = DrillScenarios.Find(DrillScenario);
            var session = await SessionAsync(ct);
            var progress = new SynchronousProgress(line => Host.Info($"  {line}"));
            Host.Info($"drill {scenario.Name} on a copy of {Env}: {scenario.Fault}; recovery: {scenario.Recovery}");
            var result = await new DrillRunner(session.Drills, DrilledService).RunAsync(scenario, Env, session.Plans, session.By, progress, ct);
            var ttr = result.TimeToRestore is { } t ? $"{t.TotalSeconds:F1} s" : "never";
            Host.Info($"drill {result.Scenario} on {Env}: {Runbook.Word(result.Outcome)}; time to restore service {ttr}; data lost {result.RowsLost:N0} row(s) "
                + $"({result.RowsMissing:N0} missing, {result.RowsChanged:N0} changed, {result.RowsExtra:N0} extra); copies from {result.Source}, dropped");
            Host.SetOutput("drill-outcome", Runbook.Word(result.Outcome));
            if (result.TimeToRestore is { } restored) Host.SetOutput("drill-ttr-seconds", restored.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
            if (!result.Passed)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.DrillNotRestored,
                    $"drill {result.Scenario} on {Env} did not restore the service without loss: {result.Detail.Split('\n')[^1]}",
                    "the documented recovery does not work as written: fix it (or the plan) before relying on it; the evidence is in sluice.drills");
        });

    /// <summary>Before anything is copied: a known scenario (SLU315) and, when given, a service assembly that exists (SLU321).</summary>
    Task CheckDrillAsync()
    {
        DrillScenarios.Find(DrillScenario);
        if (DrillService is { } path && !File.Exists(Path.GetFullPath(path, Root)))
            throw SluiceException.Usage(ErrorCodes.DrillServiceMissing, $"--drill-service {path}: no such file", "build the service first, or leave --drill-service out");
        return Task.CompletedTask;
    }
}

/// <summary>Reports at once, on the caller's thread: the drill's lines come out in order.</summary>
internal sealed class SynchronousProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}

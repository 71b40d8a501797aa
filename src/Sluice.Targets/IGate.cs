using Sluice.Build;
using Sluice.Gates;
using Sluice.Releases;

namespace Sluice.Targets;

/// <summary>
/// <c>Gate</c> evaluates the environment's gates for its pending plans and prints <c>gate | verdict | evidence |
/// remedy</c>; it fails (exit 1, SLU070) when any gate fails. It holds the environment's lease while it judges (a release in
/// progress is not judged half-way), changes nothing and records its decisions in the journal.
/// </summary>
public interface IGate : IMigrate
{
    Target Gate => _ => _
        .Description("Evaluates the environment's release gates for the pending plans; exit 1 when blocked")
        .Environment()
        .Validates(CheckReleaseInputsAsync)
        .Executes(async ct =>
        {
            var report = await Session.Releases.GateAsync(Session.Release(Session.Migration(Migration)), ct);
            PrintGates(report);
            if (report.Blocked) throw new GatesBlockedException(report);
        });

    /// <summary>Plans and gate settings are read before anything runs: a bad one is a usage error (exit 2).</summary>
    async Task CheckReleaseInputsAsync(CancellationToken cancellationToken)
    {
        await CheckPlansAsync(cancellationToken);
        var request = SessionRequest;
        GateSettings.Read(request.EffectiveSpec.Gates, request.SpecFile);
        ChangeCalendar.Read(request.EffectiveSpec.Calendar, request.SpecFile);
        if (this is ISnapshot snapshots) await snapshots.CheckSnapshotFormat();
    }

    void PrintGates(GateReport report)
    {
        var remedies = BuildRemedies.Of(this);
        var table = (report with { Results = [.. report.Results.Select(r => r with { Remedy = remedies.Rewrite(r.Remedy) })] }).Render();
        foreach (var line in table.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Host.Info(line);
        Host.AppendSummary($"### Gates on {Env}: {GateReport.Word(report.Verdict)}\n\n```\n{table}```\n");
    }
}

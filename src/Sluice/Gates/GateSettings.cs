using System.Text.Json;
using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// The <c>gates</c> of an environment: <c>{ "snapshot_max_age": "24h", "rehearsal_max_age": "7d",
/// "max_replication_lag": "10s", "approvals": 1, "approvals_from_risk": "high", "approvals_from": ["approve", "github"] }</c>.
/// Absent keys take these defaults; without <c>approvals_from_risk</c> every plan needs its approvals, with it only plans
/// of that risk or higher. <c>approvals_from</c> says where approvals come from (<see cref="ApprovalOrigin"/>; default
/// <c>["approve"]</c>). <c>"drill_max_age": "7d"</c> turns on the drill gate for a protected environment, for the
/// scenarios of <c>"drills": ["corrupted-table"]</c> (that one by default). Any other key is an error, naming the file
/// and the line of <c>gates</c>.
/// </summary>
public sealed record GateSettings(TimeSpan SnapshotMaxAge, TimeSpan RehearsalMaxAge, TimeSpan MaxReplicationLag, int Approvals,
    MigrationRisk ApprovalsFromRisk = MigrationRisk.Low, TimeSpan? DrillMaxAge = null, IReadOnlyList<string>? Drills = null,
    IReadOnlyList<ApprovalOrigin>? ApprovalsFrom = null)
{
    /// <summary>The scenarios the drill gate requires.</summary>
    public IReadOnlyList<string> RequiredDrills => Drills ?? ["corrupted-table"];

    public static GateSettings Default { get; } = new(TimeSpan.FromHours(24), TimeSpan.FromDays(7), TimeSpan.FromSeconds(10), 1);

    private static readonly string[] Keys = ["snapshot_max_age", "rehearsal_max_age", "max_replication_lag", "approvals", "approvals_from_risk", "approvals_from", "drill_max_age", "drills", "plan_fidelity"];

    /// <summary>The planner-fidelity share a rehearsal must reach (<c>gates.plan_fidelity</c>): of the profile's top
    /// statements, how many plan alike on the synthetic data; below it the rehearsal fails, and so the rehearsal gate.</summary>
    public double PlanFidelity { get; init; } = Rehearsal.Traffic.PlanFidelity.DefaultMinimum;

    /// <summary>Where approvals come from: <see cref="ApprovalsFrom"/>, or <c>./build.sh Approve</c> alone.</summary>
    public IReadOnlyList<ApprovalOrigin> Origins => ApprovalsFrom ?? [ApprovalOrigin.Approve];

    /// <param name="line">The line of the <c>gates</c> key in <paramref name="file"/>, for errors.</param>
    public static GateSettings Read(JsonElement? json, string? file = null, int? line = null)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root) return Default;
        SluiceException Bad(string message, string remedy) => SluiceException.Usage(ErrorCodes.BadGateSettings, message, remedy, file, line);
        foreach (var property in root.EnumerateObject().Where(p => !Keys.Contains(p.Name, StringComparer.Ordinal)))
            throw Bad($"gates.{property.Name} is not a gate setting", $"write one of {string.Join(", ", Keys)}");
        TimeSpan Span(string key, TimeSpan fallback)
        {
            if (!root.TryGetProperty(key, out var value)) return fallback;
            if (value.ValueKind == JsonValueKind.String && Durations.TryParse(value.GetString(), out var span)) return span;
            throw Bad($"gates.{key} is not a duration: {value.GetRawText()}", "write a duration such as \"30s\", \"24h\" or \"7d\"");
        }
        var approvals = Default.Approvals;
        if (root.TryGetProperty("approvals", out var a) && !(a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out approvals) && approvals >= 0))
            throw Bad($"gates.approvals is not a count: {a.GetRawText()}", "write a whole number such as 1");
        var fromRisk = Default.ApprovalsFromRisk;
        if (root.TryGetProperty("approvals_from_risk", out var r)
            && !(r.ValueKind == JsonValueKind.String && Enum.TryParse(r.GetString(), ignoreCase: true, out fromRisk) && Enum.IsDefined(fromRisk)))
            throw Bad($"gates.approvals_from_risk is not a risk: {r.GetRawText()}", "write \"low\", \"medium\" or \"high\"");
        IReadOnlyList<ApprovalOrigin>? from = null;
        if (root.TryGetProperty("approvals_from", out var f)) from = ReadOrigins(f, Bad);
        IReadOnlyList<string>? drills = null;
        if (root.TryGetProperty("drills", out var d))
            drills = d.ValueKind == JsonValueKind.Array && d.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 })
                ? [.. d.EnumerateArray().Select(e => e.GetString()!)]
                : throw Bad($"gates.drills is not a list of scenario names: {d.GetRawText()}", "write a list such as [\"corrupted-table\", \"failed-contract\"]");
        var fidelity = Default.PlanFidelity;
        if (root.TryGetProperty("plan_fidelity", out var p) && !(p.ValueKind == JsonValueKind.Number && p.TryGetDouble(out fidelity) && fidelity is >= 0 and <= 1))
            throw Bad($"gates.plan_fidelity is not a share from 0 to 1: {p.GetRawText()}", "write a share such as 0.95 (95 % of the profile's top statements plan alike on synthetic data)");
        return new GateSettings(Span("snapshot_max_age", Default.SnapshotMaxAge), Span("rehearsal_max_age", Default.RehearsalMaxAge),
            Span("max_replication_lag", Default.MaxReplicationLag), approvals, fromRisk,
            root.TryGetProperty("drill_max_age", out _) ? Span("drill_max_age", TimeSpan.Zero) : null, drills, from) { PlanFidelity = fidelity };
    }

    private static List<ApprovalOrigin> ReadOrigins(JsonElement value, Func<string, string, SluiceException> bad)
    {
        const string remedy = "write a list of \"approve\" (./build.sh Approve) and \"github\" (the pull request's reviews by the plan's owners), such as [\"github\"]";
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw bad($"gates.approvals_from is not a list of approval sources: {value.GetRawText()}", remedy);
        var origins = new List<ApprovalOrigin>();
        foreach (var item in value.EnumerateArray())
        {
            ApprovalOrigin? origin = item.ValueKind == JsonValueKind.String ? item.GetString() switch
            {
                "approve" => ApprovalOrigin.Approve,
                "github" => ApprovalOrigin.GitHub,
                _ => null,
            } : null;
            if (origin is not { } known) throw bad($"gates.approvals_from: {item.GetRawText()} is not an approval source", remedy);
            if (origins.Contains(known)) throw bad($"gates.approvals_from lists {item.GetRawText()} twice", remedy);
            origins.Add(known);
        }
        return origins;
    }
}

/// <summary>Where an environment's approvals come from (<c>gates.approvals_from</c>).</summary>
public enum ApprovalOrigin
{
    /// <summary><c>approve</c>: <c>./build.sh Approve</c>, journaled with the evidence it signs.</summary>
    Approve,

    /// <summary><c>github</c>: the pull request's reviews and the run's environment reviews, by owners of the plan other than its author.</summary>
    GitHub,
}

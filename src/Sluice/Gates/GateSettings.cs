using System.Text.Json;
using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// The <c>gates</c> of an environment: <c>{ "snapshot_max_age": "24h", "rehearsal_max_age": "7d",
/// "max_replication_lag": "10s", "approvals": 1, "approvals_from_risk": "high" }</c>. Absent keys take these defaults;
/// without <c>approvals_from_risk</c> every plan needs its approvals, with it only plans of that risk or higher.
/// <c>"drill_max_age": "7d"</c> turns on the drill gate for a protected environment, for the scenarios of
/// <c>"drills": ["corrupted-table"]</c> (that one by default).
/// </summary>
public sealed record GateSettings(TimeSpan SnapshotMaxAge, TimeSpan RehearsalMaxAge, TimeSpan MaxReplicationLag, int Approvals,
    MigrationRisk ApprovalsFromRisk = MigrationRisk.Low, TimeSpan? DrillMaxAge = null, IReadOnlyList<string>? Drills = null)
{
    /// <summary>The scenarios the drill gate requires.</summary>
    public IReadOnlyList<string> RequiredDrills => Drills ?? ["corrupted-table"];

    public static GateSettings Default { get; } = new(TimeSpan.FromHours(24), TimeSpan.FromDays(7), TimeSpan.FromSeconds(10), 1);

    public static GateSettings Read(JsonElement? json, string? file = null)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root) return Default;
        TimeSpan Span(string key, TimeSpan fallback)
        {
            if (!root.TryGetProperty(key, out var value)) return fallback;
            if (value.ValueKind == JsonValueKind.String && Durations.TryParse(value.GetString(), out var span)) return span;
            throw SluiceException.Usage(ErrorCodes.BadGateSettings, $"gates.{key} is not a duration: {value.GetRawText()}",
                "write a duration such as \"30s\", \"24h\" or \"7d\"", file);
        }
        var approvals = Default.Approvals;
        if (root.TryGetProperty("approvals", out var a) && !(a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out approvals) && approvals >= 0))
            throw SluiceException.Usage(ErrorCodes.BadGateSettings, $"gates.approvals is not a count: {a.GetRawText()}", "write a whole number such as 1", file);
        var fromRisk = Default.ApprovalsFromRisk;
        if (root.TryGetProperty("approvals_from_risk", out var r)
            && !(r.ValueKind == JsonValueKind.String && Enum.TryParse(r.GetString(), ignoreCase: true, out fromRisk) && Enum.IsDefined(fromRisk)))
            throw SluiceException.Usage(ErrorCodes.BadGateSettings, $"gates.approvals_from_risk is not a risk: {r.GetRawText()}", "write \"low\", \"medium\" or \"high\"", file);
        IReadOnlyList<string>? drills = null;
        if (root.TryGetProperty("drills", out var d))
            drills = d.ValueKind == JsonValueKind.Array && d.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 })
                ? [.. d.EnumerateArray().Select(e => e.GetString()!)]
                : throw SluiceException.Usage(ErrorCodes.BadGateSettings, $"gates.drills is not a list of scenario names: {d.GetRawText()}",
                    "write a list such as [\"corrupted-table\", \"failed-contract\"]", file);
        return new GateSettings(Span("snapshot_max_age", Default.SnapshotMaxAge), Span("rehearsal_max_age", Default.RehearsalMaxAge),
            Span("max_replication_lag", Default.MaxReplicationLag), approvals, fromRisk,
            root.TryGetProperty("drill_max_age", out _) ? Span("drill_max_age", TimeSpan.Zero) : null, drills);
    }
}

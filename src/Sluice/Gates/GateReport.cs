using System.Text;

namespace Sluice.Gates;

/// <summary>Every gate's decision for one release; blocked when any failed.</summary>
public sealed record GateReport(string Environment, IReadOnlyList<GateResult> Results)
{
    public bool Blocked => Results.Any(r => r.Verdict == GateVerdict.Fail);

    public GateVerdict Verdict => Results.Count == 0 ? GateVerdict.Pass : Results.Max(r => r.Verdict);

    /// <summary>The table <c>gate | verdict | evidence | remedy</c>, one gate a line.</summary>
    public string Render()
    {
        var rows = Results.Select(r => new[] { r.Gate, Word(r.Verdict), r.Evidence, r.Remedy ?? "" }).ToList();
        string[] header = ["gate", "verdict", "evidence", "remedy"];
        var widths = Enumerable.Range(0, 4).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.Append(string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).Append('\n');
        Line(header);
        Line([.. widths.Select(w => new string('-', w))]);
        foreach (var row in rows) Line(row);
        return text.ToString();
    }

    public static string Word(GateVerdict verdict) => verdict.ToString().ToLowerInvariant();
}

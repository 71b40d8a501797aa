using System.Net;
using System.Text;

namespace Sluice.Build;

/// <summary><c>--plan</c>: the ordered plan as text, or as a self-contained HTML page (inline SVG, no scripts, no network).</summary>
internal static class PlanPrinter
{
    public static void Print(ExecutionPlan plan, PlanFormat format, TextWriter output, AbsolutePath root, SecretRegistry secrets)
    {
        if (format == PlanFormat.Text)
        {
            output.Write(Text(plan));
            return;
        }
        var path = Path.Combine(root.Value, ".nuke", "temp", "plan.html");
        RedactedFiles.Write(path, Html(plan), secrets);
        output.WriteLine($"plan written to {Path.GetRelativePath(root.Value, path)}");
    }

    public static string Text(ExecutionPlan plan)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Plan for {string.Join(", ", plan.Invoked)}:");
        var width = plan.Targets.Select(t => t.Name.Length).DefaultIfEmpty(8).Max() + 2;
        var i = 1;
        foreach (var t in plan.Targets)
        {
            sb.Append($"  {i++,3}. {t.Name.PadRight(width)}");
            sb.Append(Why(t));
            if (t.StaticSkip is not null) sb.Append($"; skipped: {t.StaticSkip}");
            if (t.Target.DependsOn.Count > 0) sb.Append($"; needs {string.Join(", ", t.Target.DependsOn)}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Why(PlannedTarget t)
    {
        var parts = new List<string>();
        if (t.Reasons.Contains(PlanReason.Invoked)) parts.Add("invoked");
        if (t.DependencyOf.Count > 0) parts.Add($"needed by {string.Join(", ", t.DependencyOf)}");
        if (t.TriggeredBy.Count > 0) parts.Add($"triggered by {string.Join(", ", t.TriggeredBy)}");
        return string.Join("; ", parts);
    }

    /// <summary>A layered drawing: each target one column to the right of everything it waits for.</summary>
    public static string Html(ExecutionPlan plan)
    {
        var names = plan.Targets.Select(t => t.Name).ToList();
        var layer = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in plan.Targets)
        {
            var before = t.Target.DependsOn.Concat(t.Target.After).Concat(t.TriggeredBy).Where(layer.ContainsKey);
            layer[t.Name] = before.Select(b => layer[b] + 1).DefaultIfEmpty(0).Max();
        }
        var rowInLayer = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in names.GroupBy(n => layer[n]))
        {
            var row = 0;
            foreach (var n in group) rowInLayer[n] = row++;
        }
        const int boxWidth = 170, boxHeight = 40, columnGap = 60, rowGap = 24;
        (int X, int Y) Position(string n) => (20 + layer[n] * (boxWidth + columnGap), 20 + rowInLayer[n] * (boxHeight + rowGap));
        var width = 40 + (layer.Values.DefaultIfEmpty(0).Max() + 1) * (boxWidth + columnGap);
        var height = 40 + (rowInLayer.Values.DefaultIfEmpty(0).Max() + 1) * (boxHeight + rowGap);

        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"target graph\">");
        svg.AppendLine("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" refY=\"3.5\" orient=\"auto\"><polygon points=\"0 0, 10 3.5, 0 7\" fill=\"#555\"/></marker></defs>");
        foreach (var t in plan.Targets)
        {
            var (x2, y2) = Position(t.Name);
            foreach (var from in t.Target.DependsOn.Where(layer.ContainsKey))
                Edge(from, "#555", "");
            foreach (var from in t.TriggeredBy)
                Edge(from, "#1f6feb", " stroke-dasharray=\"6 4\"");
            foreach (var from in t.Target.After.Where(layer.ContainsKey))
                Edge(from, "#aaa", " stroke-dasharray=\"2 4\"");

            void Edge(string from, string colour, string dash)
            {
                var (x1, y1) = Position(from);
                svg.AppendLine($"<line x1=\"{x1 + boxWidth}\" y1=\"{y1 + boxHeight / 2}\" x2=\"{x2}\" y2=\"{y2 + boxHeight / 2}\" stroke=\"{colour}\"{dash} marker-end=\"url(#arrow)\"/>");
            }
        }
        foreach (var t in plan.Targets)
        {
            var (x, y) = Position(t.Name);
            var fill = t.StaticSkip is not null ? "#eee" : t.Reasons.Contains(PlanReason.Invoked) ? "#dbeafe" : "#fff";
            svg.AppendLine($"<g><title>{WebUtility.HtmlEncode(Why(t) + (t.StaticSkip is null ? "" : "; skipped: " + t.StaticSkip))}</title>");
            svg.AppendLine($"<rect x=\"{x}\" y=\"{y}\" width=\"{boxWidth}\" height=\"{boxHeight}\" rx=\"6\" fill=\"{fill}\" stroke=\"#333\"/>");
            svg.AppendLine($"<text x=\"{x + boxWidth / 2}\" y=\"{y + boxHeight / 2 + 5}\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\">{WebUtility.HtmlEncode(t.Name)}</text></g>");
        }
        svg.AppendLine("</svg>");

        var rows = new StringBuilder();
        var i = 1;
        foreach (var t in plan.Targets)
            rows.AppendLine($"<tr><td>{i++}</td><td>{WebUtility.HtmlEncode(t.Name)}</td><td>{WebUtility.HtmlEncode(Why(t))}</td><td>{WebUtility.HtmlEncode(t.StaticSkip ?? "")}</td><td>{WebUtility.HtmlEncode(t.Target.Description ?? "")}</td></tr>");

        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sluice plan: {WebUtility.HtmlEncode(string.Join(", ", plan.Invoked))}</title>
            <style>body{"{"}font-family:sans-serif;margin:2em{"}"} table{"{"}border-collapse:collapse{"}"} td,th{"{"}border:1px solid #ccc;padding:4px 8px;text-align:left{"}"}</style></head>
            <body><h1>Plan for {WebUtility.HtmlEncode(string.Join(", ", plan.Invoked))}</h1>
            <p>Solid arrows: dependencies. Dashed blue: triggers. Dotted grey: order only. Blue boxes: invoked; grey: skipped.</p>
            {svg}
            <table><tr><th>#</th><th>Target</th><th>Why</th><th>Skipped</th><th>Description</th></tr>
            {rows}</table></body></html>
            """;
    }
}

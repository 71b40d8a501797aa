using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Observability.Monitoring;

/// <summary>The part of Grafana's dashboard JSON model Sluice uses, serialised by System.Text.Json.</summary>
public sealed record GrafanaDashboard(
    string Uid,
    string Title,
    string Description,
    IReadOnlyList<string> Tags,
    int SchemaVersion,
    GrafanaTimeRange Time,
    string Refresh,
    GrafanaTemplating Templating,
    IReadOnlyList<GrafanaPanel> Panels)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        IndentSize = 2,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options).ReplaceLineEndings("\n") + "\n";
}

public sealed record GrafanaTimeRange(string From, string To);

public sealed record GrafanaTemplating(IReadOnlyList<GrafanaVariable> List);

/// <summary>A dashboard variable: the Prometheus data source, or a label's values (<c>label_values(metric, label)</c>).</summary>
public sealed record GrafanaVariable(string Name, string Label, string Type, string Query, bool Multi, bool IncludeAll, GrafanaDataSource? Datasource, string? AllValue, int? Refresh);

public sealed record GrafanaDataSource(string Type, string Uid);

public sealed record GrafanaPanel(
    int Id,
    string Type,
    string Title,
    string Description,
    GrafanaGridPosition GridPos,
    GrafanaDataSource Datasource,
    GrafanaFieldConfig FieldConfig,
    IReadOnlyList<GrafanaTarget> Targets);

public sealed record GrafanaGridPosition(int H, int W, int X, int Y);

public sealed record GrafanaFieldConfig(GrafanaFieldDefaults Defaults);

public sealed record GrafanaFieldDefaults(string Unit);

public sealed record GrafanaTarget(string RefId, string Expr, string LegendFormat, GrafanaDataSource Datasource);

namespace Sluice.Reports.Html;

/// <summary>One series of a chart: its legend entry and the CSS colour of its marks.</summary>
public sealed record ChartSeries(string Name, string Color);

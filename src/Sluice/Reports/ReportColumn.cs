namespace Sluice.Reports;

/// <summary>A column of a report table, in HTML and in Markdown alike; numeric columns are right-aligned.</summary>
public sealed record ReportColumn(string Header, bool Numeric = false);

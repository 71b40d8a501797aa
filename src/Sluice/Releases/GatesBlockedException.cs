using Sluice.Errors;
using Sluice.Gates;

namespace Sluice.Releases;

/// <summary>A release stopped by its gates before touching anything (exit 1); carries the table to print.</summary>
public sealed class GatesBlockedException(GateReport report) : SluiceException(ErrorKind.Failure, ErrorCodes.Blocked,
    $"'{report.Environment}' is blocked by gate(s) {string.Join(", ", report.Results.Where(r => r.Verdict == GateVerdict.Fail).Select(r => r.Gate))}; nothing was changed",
    string.Join("; ", report.Results.Where(r => r.Verdict == GateVerdict.Fail).Select(r => $"{r.Gate}: {r.Remedy}")))
{
    public GateReport Report { get; } = report;
}

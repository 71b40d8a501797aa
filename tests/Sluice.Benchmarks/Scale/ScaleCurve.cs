namespace Sluice.Benchmarks.Scale;

/// <summary>One size of a curve: how many rows, and what the work cost.</summary>
public sealed record ScalePoint(long Rows, WorkCost Cost)
{
    public double RowsPerSecond => Rows / Cost.Elapsed.TotalSeconds;
}

/// <summary>
/// How a cost grows with the rows: each size against the smallest, and the exponent of growth, the slope of
/// log(cost) over log(rows) fitted by least squares (1.0 = linear, 0 = flat). A goal such as "within 1.1x of linear" is
/// the time ratio over the rows ratio at the largest size.
/// </summary>
public sealed record ScaleCurve(string Subject, IReadOnlyList<ScalePoint> Points)
{
    public double TimeExponent => Slope(p => p.Cost.Elapsed.TotalSeconds);

    public double MemoryExponent => Slope(p => p.Cost.PeakResidentBytes);

    /// <summary>The time ratio over the rows ratio at <paramref name="point"/> against the smallest size.</summary>
    public double VersusLinear(ScalePoint point) => point.Cost.Elapsed / Points[0].Cost.Elapsed / ((double)point.Rows / Points[0].Rows);

    public ScalePoint At(long rows) => Points.Single(p => p.Rows == rows);

    public void Print(TextWriter output)
    {
        var first = Points[0];
        output.WriteLine();
        output.WriteLine($"{Subject}:");
        output.WriteLine("| rows | time | rows/s | peak RSS | peak managed heap | rows x | time x | vs linear | peak RSS x |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Points)
            output.WriteLine($"| {p.Rows:N0} | {p.Cost.Elapsed.TotalSeconds:F2} s | {p.RowsPerSecond:N0} | {Mib(p.Cost.PeakResidentBytes)} | {Mib(p.Cost.PeakManagedBytes)} "
                + $"| {(double)p.Rows / first.Rows:F0} | {p.Cost.Elapsed / first.Cost.Elapsed:F2} | {VersusLinear(p):F2} | {(double)p.Cost.PeakResidentBytes / first.Cost.PeakResidentBytes:F2} |");
        output.WriteLine($"exponent of growth (log-log slope): time {TimeExponent:F2}, peak RSS {MemoryExponent:F2}");
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):N0} MiB";

    private double Slope(Func<ScalePoint, double> cost)
    {
        if (Points.Count < 2) return double.NaN;
        var xs = Points.Select(p => Math.Log(p.Rows)).ToList();
        var ys = Points.Select(p => Math.Log(cost(p))).ToList();
        double mx = xs.Average(), my = ys.Average();
        var sxy = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        return sxy / sxx;
    }
}

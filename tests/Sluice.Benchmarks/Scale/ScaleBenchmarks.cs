using Sluice.Benchmarks.Fingerprints;

namespace Sluice.Benchmarks.Scale;

/// <summary>
/// Issue 20 item 3: how Sluice's cost grows with the table. Each subject runs at the issue's sizes (with --large;
/// a hundredth of them otherwise, for development) and prints, per size, the time, rows/s, this process's peak memory
/// and the growth against the smallest size, with the exponent of growth.
/// </summary>
public sealed class ScaleBenchmarks : IBenchmarkSuite
{
    private static readonly IScaleCurve[] Subjects = [new BackfillScale(), new FingerprintScale(), new SyntheticScale(), new SnapshotScale()];

    public string Name => "scale";

    public string Description => "scale curves (issue 20 item 3): backfill 100k-10M, fingerprint diff 1M-100M, synthetic 1M-10M, snapshot + verify 1M-10M; "
        + "--large for the issue's sizes, --largest=N for the fingerprint's last size, --curves=a,b to pick";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var options = ScaleOptions.From(context.Arguments);
        var unknown = options.Curves.Except(Subjects.Select(s => s.Name), StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown curve(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Subjects.Select(s => s.Name))}");
        var output = context.Output;
        output.WriteLine(PeakMemory.Method);
        foreach (var subject in Subjects.Where(s => options.Curves.Count == 0 || options.Curves.Contains(s.Name)))
        {
            var sizes = subject.Sizes(options).Select(s => context.Large ? s : Math.Max(1_000, s / 100)).Distinct().ToList();
            output.WriteLine();
            output.WriteLine($"-- {subject.Name} at {string.Join(", ", sizes.Select(s => s.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} rows; load average before: {FingerprintBenchmarks.LoadAverage()}");
            var curves = await subject.MeasureAsync(context, sizes, cancellationToken);
            foreach (var curve in curves) curve.Print(output);
            foreach (var goal in subject.Goals(curves)) output.WriteLine(goal);
            output.WriteLine($"load average after: {FingerprintBenchmarks.LoadAverage()}");
        }
    }

    internal static string Verdict(bool met) => met ? "met" : "NOT met";
}

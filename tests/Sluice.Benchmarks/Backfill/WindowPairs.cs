using System.Diagnostics;

namespace Sluice.Benchmarks.Backfill;

/// <summary>A span of <see cref="Stopwatch"/> timestamps.</summary>
internal readonly record struct Window(long Start, long End)
{
    /// <summary>How long the writes due (started) in this span took, however late they ended, sorted.</summary>
    public List<TimeSpan> DurationsDue(IReadOnlyList<WriteSample> writes)
    {
        var (start, end) = (Start, End);
        return [.. writes.Where(w => w.Start >= start && w.Start <= end).Select(w => w.Duration).Order()];
    }
}

/// <summary>Pairs of spans read against each other: the first of each pair is the baseline, the second the treatment.</summary>
internal static class WindowPairs
{
    /// <param name="Baseline">The writes due in the pairs' first spans, pooled and sorted.</param>
    /// <param name="Treatment">The writes due in their second spans, pooled and sorted.</param>
    /// <param name="PairRatios">Each pair's p99 of the second span over that of the first.</param>
    internal sealed record Reading(List<TimeSpan> Baseline, List<TimeSpan> Treatment, List<double> PairRatios);

    public static Reading Split(IEnumerable<(Window First, Window Second)> pairs, IReadOnlyList<WriteSample> writes)
    {
        List<TimeSpan> baseline = [], treatment = [];
        var ratios = new List<double>();
        foreach (var (first, second) in pairs)
        {
            var a = first.DurationsDue(writes);
            var b = second.DurationsDue(writes);
            baseline.AddRange(a);
            treatment.AddRange(b);
            if (a.Count > 0 && b.Count > 0) ratios.Add(BackfillBenchmarks.Percentile(b, 0.99) / BackfillBenchmarks.Percentile(a, 0.99));
        }
        baseline.Sort();
        treatment.Sort();
        return new Reading(baseline, treatment, ratios);
    }
}

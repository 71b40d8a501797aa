using MathNet.Numerics.Distributions;

namespace Sluice.Canary.Analysis;

/// <summary>
/// The Mann-Whitney U test of "the canary's values are higher than the baseline's", with the Hodges-Lehmann estimate
/// of the shift and its one-sided lower confidence bound, as Kayenta's judge uses them. Normal approximation with the
/// ties correction and a continuity correction: steps hold at least <c>min_samples</c> (50) values a side, where the
/// approximation is good.
/// </summary>
public static class MannWhitney
{
    /// <summary>Pairwise differences beyond this are estimated on evenly spaced quantiles of each side (1,000 each),
    /// which keeps the shape of both samples and bounds the work at a million differences.</summary>
    public const long MaxPairs = 1_000_000;

    private const int ThinnedSize = 1_000;

    /// <summary>U of <paramref name="canary"/> against <paramref name="baseline"/>: how many (canary, baseline) pairs
    /// the canary wins, ties counting half. U(x, y) + U(y, x) = |x|·|y|.</summary>
    public static double U(IReadOnlyList<double> canary, IReadOnlyList<double> baseline) => Ranks(canary, baseline).U;

    /// <summary>The one-sided p-value of "the canary is higher": what a multiple-comparison correction orders by.</summary>
    public static double P(IReadOnlyList<double> canary, IReadOnlyList<double> baseline)
    {
        if (canary.Count == 0 || baseline.Count == 0) throw new ArgumentException("both samples need values");
        var (u, tieSum) = Ranks(canary, baseline);
        double n = canary.Count, m = baseline.Count, total = n + m;
        var variance = n * m / 12.0 * (total + 1 - tieSum / (total * (total - 1)));
        var sd = Math.Sqrt(Math.Max(variance, 0));
        // Every value equal: nothing tells the versions apart.
        return sd == 0 ? 1.0 : Math.Clamp(1 - Normal.CDF(0, 1, (u - n * m / 2 - 0.5) / sd), 0, 1);
    }

    /// <summary>The test at one-sided significance <paramref name="alpha"/> (after a multiple-comparison correction).</summary>
    public static MannWhitneyResult Test(IReadOnlyList<double> canary, IReadOnlyList<double> baseline, double alpha)
    {
        var p = P(canary, baseline);
        var (estimate, lower) = HodgesLehmann(canary, baseline, alpha);
        return new MannWhitneyResult(U(canary, baseline), p, estimate, lower);
    }

    private static (double U, double TieSum) Ranks(IReadOnlyList<double> canary, IReadOnlyList<double> baseline)
    {
        var all = new (double Value, bool Canary)[canary.Count + baseline.Count];
        for (var i = 0; i < canary.Count; i++) all[i] = (canary[i], true);
        for (var i = 0; i < baseline.Count; i++) all[canary.Count + i] = (baseline[i], false);
        Array.Sort(all, (a, b) => a.Value.CompareTo(b.Value));
        double rankSum = 0, tieSum = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j + 1 < all.Length && all[j + 1].Value.CompareTo(all[i].Value) == 0) j++;
            var midRank = (i + j) / 2.0 + 1;
            double t = j - i + 1;
            tieSum += t * t * t - t;
            for (var k = i; k <= j; k++) if (all[k].Canary) rankSum += midRank;
            i = j + 1;
        }
        var n = (double)canary.Count;
        return (rankSum - n * (n + 1) / 2, tieSum);
    }

    /// <summary>The median of all canary - baseline differences, and the one-sided lower bound at 1 - alpha: the
    /// k-th smallest difference, k from the normal approximation of U's distribution.</summary>
    private static (double Estimate, double Lower) HodgesLehmann(IReadOnlyList<double> canary, IReadOnlyList<double> baseline, double alpha)
    {
        var x = Thinned(canary, baseline.Count);
        var y = Thinned(baseline, canary.Count);
        var differences = new double[(long)x.Length * y.Length];
        var index = 0;
        foreach (var a in x)
            foreach (var b in y)
                differences[index++] = a - b;
        Array.Sort(differences);
        double n = x.Length, m = y.Length;
        var median = differences.Length % 2 == 1
            ? differences[differences.Length / 2]
            : (differences[differences.Length / 2 - 1] + differences[differences.Length / 2]) / 2;
        var z = Normal.InvCDF(0, 1, 1 - alpha);
        var k = (long)Math.Floor(n * m / 2 - z * Math.Sqrt(n * m * (n + m + 1) / 12));
        var lower = differences[(int)Math.Clamp(k, 0, differences.Length - 1)];
        return (median, lower);
    }

    private static double[] Thinned(IReadOnlyList<double> values, int otherCount)
    {
        var sorted = values.Order().ToArray();
        if ((long)values.Count * otherCount <= MaxPairs || sorted.Length <= ThinnedSize) return sorted;
        var thinned = new double[ThinnedSize];
        for (var i = 0; i < ThinnedSize; i++) thinned[i] = sorted[(int)((i + 0.5) * sorted.Length / ThinnedSize)];
        return thinned;
    }
}

/// <param name="U">The canary's U statistic.</param>
/// <param name="P">One-sided p-value of "the canary is higher".</param>
/// <param name="Shift">Hodges-Lehmann estimate of canary minus baseline.</param>
/// <param name="ShiftLowerBound">The shift's lower confidence bound at 1 - alpha.</param>
public sealed record MannWhitneyResult(double U, double P, double Shift, double ShiftLowerBound);

namespace Sluice.Migrations.Backfill;

/// <summary>
/// Estimates the writers' p99 from what <c>pg_stat_statements</c> can give a window: the count, mean and standard
/// deviation of the writes' execution times, never a percentile. Two moments cannot tell a rare long wait from a
/// common short one, so the estimate assumes the shape of what a backfill does to writers:
/// <list type="bullet">
/// <item>The baseline's p99: a log-normal with the baseline's mean and deviation (latencies are positive and skewed to
/// the right; a normal's mean + 2.326σ would put the tail of a skewed distribution too low and can fall below zero).</item>
/// <item>The window's p99: the baseline, plus a wait <c>W</c> that a share <c>f</c> of the writes met (a write to a row
/// a batch holds waits for its commit; a busy server slows every write a little, <c>f</c> = 1). The window's mean and
/// variance fix both: <c>f·W</c> = Δmean and <c>f(1−f)·W²</c> = Δvariance, so <c>W</c> = Δmean + Δvariance/Δmean and
/// <c>f</c> = Δmean/<c>W</c>. A normal or log-normal fitted to the window alone would read a wait that 1 write in 300
/// met (which leaves the p99 where it was) as a p99 many times the baseline's, and stop a backfill the writers did not feel.</item>
/// </list>
/// The rules, in order:
/// <list type="number">
/// <item>The window's writes were no slower on average (Δmean ≤ 0): the baseline's p99.</item>
/// <item>They were slower but no more spread (Δvariance ≤ 0): every write slower by Δmean, the baseline's p99 + Δmean.</item>
/// <item>At least 1 write in 100 met the wait (<c>f</c> ≥ 1 %): the slowest 1 % all waited, the baseline's p99 + <c>W</c>.</item>
/// <item>Fewer did: the slowest 1 % are those that waited and the slowest of the rest, the baseline's quantile at
/// 1 − (1 % − <c>f</c>)/(1 − <c>f</c>), but never above the baseline's p99 + <c>W</c>.</item>
/// </list>
/// </summary>
public static class WriterP99Estimate
{
    /// <summary>How the estimate is made, in a phrase, for the evidence of a verdict.</summary>
    public const string Method = "p99s estimated from pg_stat_statements' means and deviations: the baseline's as a log-normal's, "
                                 + "the window's as the baseline's plus the wait the added time and spread imply";

    /// <summary>The baseline's p99: a log-normal's with its mean and deviation.</summary>
    public static double Baseline(WriterLatency baseline) => LogNormalQuantile(baseline.MeanMilliseconds, baseline.StdDevMilliseconds, 0.99);

    /// <summary>The window's estimated p99 in milliseconds, and the rule of the table above that gave it.</summary>
    public static (double P99, int Rule) Window(WriterLatency baseline, WriterLatency window)
    {
        var p99 = Baseline(baseline);
        var added = window.MeanMilliseconds - baseline.MeanMilliseconds;
        if (added <= 0) return (p99, 1);
        var spread = window.StdDevMilliseconds * window.StdDevMilliseconds - baseline.StdDevMilliseconds * baseline.StdDevMilliseconds;
        if (spread <= 0) return (p99 + added, 2);
        var wait = added + spread / added;
        var share = added / wait;
        if (share >= 0.01) return (p99 + wait, 3);
        var level = 1 - (0.01 - share) / (1 - share);
        return (Math.Min(LogNormalQuantile(baseline.MeanMilliseconds, baseline.StdDevMilliseconds, level), p99 + wait), 4);
    }

    /// <summary>The <paramref name="level"/> quantile of the log-normal with this mean and deviation (moment matching:
    /// s² = ln(1 + σ²/μ²), m = ln μ − s²/2).</summary>
    public static double LogNormalQuantile(double mean, double stdDev, double level)
    {
        if (mean <= 0) return 0;
        if (stdDev <= 0) return mean;
        var s2 = Math.Log(1 + stdDev * stdDev / (mean * mean));
        return Math.Exp(Math.Log(mean) - s2 / 2 + Math.Sqrt(s2) * NormalQuantile(level));
    }

    /// <summary>The standard normal's quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Tail(q);
        }
        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -Tail(q);
        }
        var r = p - 0.5;
        var t = r * r;
        return (((((-3.969683028665376e+01 * t + 2.209460984245205e+02) * t - 2.759285104469687e+02) * t + 1.383577518672690e+02) * t
                 - 3.066479806614716e+01) * t + 2.506628277459239e+00) * r
               / (((((-5.447609879822406e+01 * t + 1.615858368580409e+02) * t - 1.556989798598866e+02) * t + 6.680131188771972e+01) * t
                   - 1.328068155288572e+01) * t + 1);
    }

    private static double Tail(double q) =>
        (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q
          + 4.374664141464968e+00) * q + 2.938163982698783e+00)
        / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
}

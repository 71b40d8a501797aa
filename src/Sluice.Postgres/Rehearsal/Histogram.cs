namespace Sluice.Postgres.Rehearsal;

/// <summary>An equi-depth histogram's quantiles on a type's number line, interpolated inside a bucket.</summary>
internal static class Histogram
{
    /// <summary>The value at quantile <paramref name="q"/> (0..1) of ascending <paramref name="bounds"/>.</summary>
    public static double Quantile(double[] bounds, double q)
    {
        if (bounds.Length == 1) return bounds[0];
        var position = q * (bounds.Length - 1);
        var bucket = Math.Min(bounds.Length - 2, (int)position);
        var fraction = position - bucket;
        return bounds[bucket] + fraction * (bounds[bucket + 1] - bounds[bucket]);
    }

    /// <summary>The bucket <see cref="Quantile"/> interpolates in for <paramref name="q"/> (0 for a single bound).</summary>
    public static int Bucket(double[] bounds, double q) => bounds.Length == 1 ? 0 : Math.Min(bounds.Length - 2, (int)(q * (bounds.Length - 1)));
}

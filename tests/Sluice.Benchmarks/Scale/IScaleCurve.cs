namespace Sluice.Benchmarks.Scale;

/// <summary>One subject measured at several sizes, in ascending order, each size on fresh data.</summary>
internal interface IScaleCurve
{
    /// <summary>Short name for <c>--curves=</c>.</summary>
    string Name { get; }

    /// <summary>The sizes the issue asks for (the suite divides them by 100 without --large).</summary>
    IReadOnlyList<long> Sizes(ScaleOptions options);

    /// <summary>Measures every size; a subject may yield more than one curve (snapshot and verify).</summary>
    Task<IReadOnlyList<ScaleCurve>> MeasureAsync(BenchmarkContext context, IReadOnlyList<long> sizes, CancellationToken cancellationToken);

    /// <summary>The goal the issue states for this subject, judged on the measured curves.</summary>
    IEnumerable<string> Goals(IReadOnlyList<ScaleCurve> curves);
}

/// <param name="Largest">The largest fingerprint size (<c>--largest=100M</c>).</param>
/// <param name="Curves">The curves to run (<c>--curves=backfill,fingerprints</c>); empty = all.</param>
internal sealed record ScaleOptions(long Largest, IReadOnlySet<string> Curves)
{
    public static ScaleOptions From(IReadOnlyList<string> arguments)
    {
        var largest = Value(arguments, "--largest=") is { } l ? Rows(l) : 100_000_000;
        var curves = Value(arguments, "--curves=") is { } c ? c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        return new ScaleOptions(largest, curves.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>"100k", "10M", "1000000".</summary>
    public static long Rows(string text)
    {
        var (digits, factor) = text[^1] switch
        {
            'k' or 'K' => (text[..^1], 1_000L),
            'm' or 'M' => (text[..^1], 1_000_000L),
            _ => (text, 1L),
        };
        return long.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n * factor
            : throw new ArgumentException($"'{text}' is not a row count (examples: 100k, 10M, 2500000)");
    }

    private static string? Value(IReadOnlyList<string> arguments, string prefix) =>
        arguments.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
}

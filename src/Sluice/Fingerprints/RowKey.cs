namespace Sluice.Fingerprints;

/// <summary>
/// A row's key as the text of each key column (written with the pinned session settings, so both sides spell it
/// the same). Compared by value, so it can be looked up in dictionaries.
/// </summary>
public sealed record RowKey(IReadOnlyList<string> Values)
{
    public static RowKey Of(params string[] values) => new(values);

    public bool Equals(RowKey? other) => other is not null && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in Values) hash.Add(value, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public override string ToString() => Values.Count == 1 ? Values[0] : $"({string.Join(", ", Values)})";
}

/// <summary>Keys from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive); null ends are open.</summary>
public sealed record KeyRange(RowKey? From, RowKey? To)
{
    public static KeyRange All { get; } = new(null, null);

    /// <summary>The consecutive ranges that <paramref name="bounds"/> (ascending) cut this range into: one more than the bounds.</summary>
    public IReadOnlyList<KeyRange> Split(IReadOnlyList<RowKey> bounds)
    {
        var ranges = new List<KeyRange>(bounds.Count + 1);
        var from = From;
        foreach (var bound in bounds)
        {
            ranges.Add(new KeyRange(from, bound));
            from = bound;
        }
        ranges.Add(new KeyRange(from, To));
        return ranges;
    }

    public override string ToString() => $"[{From?.ToString() ?? "start"} .. {To?.ToString() ?? "end"})";

    /// <summary>The first five of <paramref name="ranges"/> for a message, and "..." when there are more.</summary>
    public static string ListFirst(IReadOnlyCollection<KeyRange> ranges) =>
        string.Join(", ", ranges.Take(5)) + (ranges.Count > 5 ? ", ..." : "");
}

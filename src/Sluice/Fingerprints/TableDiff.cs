namespace Sluice.Fingerprints;

/// <summary>
/// How one source differs from its counterpart. <see cref="Missing"/> keys are in the source and not the target,
/// <see cref="Extra"/> keys in the target only, <see cref="Changed"/> keys in both with different rows. Counts are
/// exact; the samples hold at most <see cref="DiffOptions.SampleLimit"/> keys each.
/// </summary>
public sealed record TableDiff
{
    public required string Source { get; init; }
    public required string Target { get; init; }

    /// <summary>False when a side has no key: the rows are compared as a whole and cannot be located.</summary>
    public bool Locatable { get; init; } = true;

    public long SourceRows { get; init; }
    public long TargetRows { get; init; }
    public long Missing { get; init; }
    public long Extra { get; init; }
    public long Changed { get; init; }
    public IReadOnlyList<RowKey> MissingSample { get; init; } = [];
    public IReadOnlyList<RowKey> ExtraSample { get; init; } = [];
    public IReadOnlyList<RowKey> ChangedSample { get; init; } = [];

    /// <summary>Key ranges whose hashes differ when only chunk hashes were compared (a recorded fingerprint has no rows).</summary>
    public IReadOnlyList<KeyRange> DifferingRanges { get; init; } = [];

    /// <summary>For a table without a key: whether its count or hash differs.</summary>
    public bool WholeTableDiffers { get; init; }

    public IReadOnlyList<string> ColumnsOnlyInSource { get; init; } = [];
    public IReadOnlyList<string> ColumnsOnlyInTarget { get; init; } = [];

    public bool AreEqual =>
        Missing == 0 && Extra == 0 && Changed == 0 && DifferingRanges.Count == 0 && !WholeTableDiffers
        && ColumnsOnlyInSource.Count == 0 && ColumnsOnlyInTarget.Count == 0;

    /// <summary>Readable lines: what differs and a sample of where.</summary>
    public IEnumerable<string> Describe()
    {
        var name = Source == Target ? Source : $"{Source} -> {Target}";
        if (ColumnsOnlyInSource.Count > 0) yield return $"{name}: columns only in the source: {string.Join(", ", ColumnsOnlyInSource)}";
        if (ColumnsOnlyInTarget.Count > 0) yield return $"{name}: columns only in the target: {string.Join(", ", ColumnsOnlyInTarget)}";
        if (!Locatable)
        {
            yield return WholeTableDiffers
                ? $"{name}: differs ({SourceRows:N0} rows -> {TargetRows:N0}); rows cannot be located: no primary key"
                : $"{name}: equal as a whole ({SourceRows:N0} rows); rows cannot be located: no primary key";
            yield break;
        }
        if (Missing > 0) yield return $"{name}: {Missing:N0} missing key(s): {Sample(MissingSample, Missing)}";
        if (Extra > 0) yield return $"{name}: {Extra:N0} extra key(s): {Sample(ExtraSample, Extra)}";
        if (Changed > 0) yield return $"{name}: {Changed:N0} changed key(s): {Sample(ChangedSample, Changed)}";
        if (DifferingRanges.Count > 0) yield return $"{name}: {DifferingRanges.Count} key range(s) differ: {string.Join(", ", DifferingRanges.Take(10))}";
    }

    private static string Sample(IReadOnlyList<RowKey> keys, long total) =>
        string.Join(", ", keys.Select(k => k.ToString())) + (total > keys.Count ? ", ..." : "");
}

namespace Sluice.Fingerprints;

/// <summary>Takes a source's <see cref="TableFingerprint"/>: chunks split where the key's statistics say the rows are,
/// or exactly where a reference fingerprint was split, so the two compare chunk by chunk.</summary>
public sealed class DataFingerprinter(int chunks = 64)
{
    /// <param name="reader">The source to read.</param>
    /// <param name="like">A fingerprint to match: its split points and its columns are used.</param>
    public async Task<TableFingerprint> FingerprintAsync(IFingerprintReader reader, TableFingerprint? like, CancellationToken cancellationToken)
    {
        var shape = await reader.DescribeAsync(cancellationToken);
        var plan = like is null ? new HashPlan(shape.Columns) : HashPlan.Common(new SourceShape(like.Columns, like.Key), shape) with { Format = like.HashFormat };
        IReadOnlyList<KeyRange> ranges = [KeyRange.All];
        if (shape.Locatable)
        {
            var bounds = like is { Locatable: true } ? like.Bounds : await reader.SplitPointsAsync(KeyRange.All, chunks, cancellationToken);
            ranges = KeyRange.All.Split(bounds);
        }
        var hashes = await reader.HashChunksAsync(plan, ranges, cancellationToken);
        return new TableFingerprint(reader.Source.Name, shape.Key, shape.Columns, hashes) { HashFormat = plan.Format };
    }
}

/// <summary>Compares a recorded fingerprint with one taken later the same way (a snapshot's manifest against its
/// restore, a database against its snapshot): schema changes and the key ranges whose hashes differ.</summary>
public static class FingerprintComparison
{
    public static DiffReport Compare(DatabaseFingerprint expected, DatabaseFingerprint actual)
    {
        var tables = new List<TableDiff>();
        foreach (var e in expected.Data.Tables)
        {
            if (actual.Data.Find(e.Source) is not { } a) continue;
            tables.Add(Compare(e, a));
        }
        var expectedNames = expected.Data.Tables.Select(t => t.Source).ToHashSet(StringComparer.Ordinal);
        var actualNames = actual.Data.Tables.Select(t => t.Source).ToHashSet(StringComparer.Ordinal);
        return new DiffReport(SchemaDiff.Compare(expected.Schema, actual.Schema), tables,
            [.. expectedNames.Except(actualNames).Order(StringComparer.Ordinal)], [.. actualNames.Except(expectedNames).Order(StringComparer.Ordinal)]);
    }

    public static TableDiff Compare(TableFingerprint expected, TableFingerprint actual)
    {
        var diff = new TableDiff
        {
            Source = expected.Source, Target = actual.Source, Locatable = expected.Locatable && actual.Locatable,
            SourceRows = expected.Rows, TargetRows = actual.Rows,
            ColumnsOnlyInSource = [.. expected.Columns.Select(c => c.Name).Except(actual.Columns.Select(c => c.Name), StringComparer.Ordinal)],
            ColumnsOnlyInTarget = [.. actual.Columns.Select(c => c.Name).Except(expected.Columns.Select(c => c.Name), StringComparer.Ordinal)],
        };
        if (!diff.Locatable || expected.Chunks.Count != actual.Chunks.Count)
            return diff with { Locatable = false, WholeTableDiffers = expected.Rows != actual.Rows || Sum(expected) != Sum(actual) };
        var differing = expected.Chunks.Zip(actual.Chunks).Where(p => !p.First.SameContent(p.Second)).Select(p => p.First.Range).ToList();
        return diff with { DifferingRanges = differing };
    }

    // Chunk sums add up (modulo 2^64) to the whole table's sum, however the table was cut.
    private static ulong Sum(TableFingerprint table)
    {
        ulong sum = 0;
        foreach (var chunk in table.Chunks) unchecked { sum += chunk.Hash; }
        return sum;
    }
}

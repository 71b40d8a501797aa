namespace Sluice.Fingerprints;

/// <summary>
/// Compares one source with its counterpart: both are cut at the same keys, chunk hashes are compared, and each
/// mismatching chunk is bisected (<see cref="DiffOptions.Factor"/> parts a step) until it is small enough to compare
/// row by row, which names the missing, extra and changed keys.
/// </summary>
public sealed class DataDiffer(DiffOptions? options = null)
{
    private readonly DiffOptions _options = (options ?? DiffOptions.Default).Validated();

    public async Task<TableDiff> DiffAsync(IFingerprintReader source, IFingerprintReader target, CancellationToken cancellationToken)
    {
        var shapes = await Task.WhenAll(source.DescribeAsync(cancellationToken), target.DescribeAsync(cancellationToken));
        var (sourceShape, targetShape) = (shapes[0], shapes[1]);
        var plan = HashPlan.Common(sourceShape, targetShape);
        var columns = new ColumnDifference(sourceShape, targetShape);

        if (!sourceShape.Locatable || !targetShape.Locatable || !sourceShape.Key.SequenceEqual(targetShape.Key, StringComparer.Ordinal))
        {
            var whole = await BothAsync(source, target, r => r.HashChunksAsync(plan, [KeyRange.All], cancellationToken));
            return columns.Apply(new TableDiff
            {
                Source = source.Source.Name, Target = target.Source.Name, Locatable = false,
                SourceRows = whole.Source[0].Rows, TargetRows = whole.Target[0].Rows,
                WholeTableDiffers = !whole.Source[0].SameContent(whole.Target[0]),
            });
        }

        var bounds = await source.SplitPointsAsync(KeyRange.All, _options.InitialChunks, cancellationToken);
        var first = await BothAsync(source, target, r => r.HashChunksAsync(plan, KeyRange.All.Split(bounds), cancellationToken));
        var found = new Differences(_options.SampleLimit);
        using var gate = new SemaphoreSlim(_options.Degree);
        await LocateAsync(source, target, plan, first, found, gate, cancellationToken);
        return columns.Apply(found.ToDiff(source.Source.Name, target.Source.Name, first.Source.Sum(c => c.Rows), first.Target.Sum(c => c.Rows)));
    }

    private async Task LocateAsync(IFingerprintReader source, IFingerprintReader target, HashPlan plan,
        (IReadOnlyList<ChunkHash> Source, IReadOnlyList<ChunkHash> Target) chunks, Differences found, SemaphoreSlim gate,
        CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        for (var i = 0; i < chunks.Source.Count; i++)
        {
            var (s, t) = (chunks.Source[i], chunks.Target[i]);
            if (s.SameContent(t)) continue;
            work.Add(BisectAsync(source, target, plan, s, t, found, gate, cancellationToken));
        }
        await Task.WhenAll(work);
    }

    private async Task BisectAsync(IFingerprintReader source, IFingerprintReader target, HashPlan plan, ChunkHash s, ChunkHash t,
        Differences found, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        IReadOnlyList<RowKey> bounds = [];
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Math.Max(s.Rows, t.Rows) > _options.RowThreshold)
            {
                // Cut where the rows are: the side with more rows in this range knows its keys better.
                var splitter = s.Rows >= t.Rows ? source : target;
                bounds = await splitter.SplitPointsAsync(s.Range, _options.Factor, cancellationToken);
            }
            if (bounds.Count == 0)
            {
                var rows = await BothAsync(source, target, r => r.RowHashesAsync(plan, s.Range, cancellationToken));
                found.Add(rows.Source, rows.Target);
                return;
            }
        }
        finally
        {
            gate.Release();
        }
        var sub = await BothAsync(source, target, r => r.HashChunksAsync(plan, s.Range.Split(bounds), cancellationToken));
        await LocateAsync(source, target, plan, sub, found, gate, cancellationToken);
    }

    private static async Task<(T Source, T Target)> BothAsync<T>(IFingerprintReader source, IFingerprintReader target,
        Func<IFingerprintReader, Task<T>> read)
    {
        var s = read(source);
        var t = read(target);
        return (await s, await t);
    }

    /// <summary>Columns present on one side only; rows are compared on the shared columns.</summary>
    private sealed class ColumnDifference(SourceShape source, SourceShape target)
    {
        public TableDiff Apply(TableDiff diff) => diff with
        {
            ColumnsOnlyInSource = [.. source.Columns.Select(c => c.Name).Except(target.Columns.Select(c => c.Name), StringComparer.Ordinal)],
            ColumnsOnlyInTarget = [.. target.Columns.Select(c => c.Name).Except(source.Columns.Select(c => c.Name), StringComparer.Ordinal)],
        };
    }

    /// <summary>Exact counts and bounded samples of the keys found so far; bisection branches add concurrently.</summary>
    private sealed class Differences(int sampleLimit)
    {
        private readonly Lock _lock = new();
        private readonly List<RowKey> _missing = [], _extra = [], _changed = [];
        private long _missingCount, _extraCount, _changedCount;

        public void Add(IReadOnlyList<RowHash> source, IReadOnlyList<RowHash> target)
        {
            var targetRows = target.ToDictionary(r => r.Key, r => r.Hash);
            var sourceKeys = new HashSet<RowKey>(source.Select(r => r.Key));
            lock (_lock)
            {
                foreach (var row in source)
                {
                    if (!targetRows.TryGetValue(row.Key, out var hash)) Count(_missing, ref _missingCount, row.Key);
                    else if (hash != row.Hash) Count(_changed, ref _changedCount, row.Key);
                }
                foreach (var row in target)
                    if (!sourceKeys.Contains(row.Key)) Count(_extra, ref _extraCount, row.Key);
            }
        }

        private void Count(List<RowKey> sample, ref long count, RowKey key)
        {
            count++;
            if (sample.Count < sampleLimit) sample.Add(key);
        }

        public TableDiff ToDiff(string source, string target, long sourceRows, long targetRows)
        {
            lock (_lock)
                return new TableDiff
                {
                    Source = source, Target = target, SourceRows = sourceRows, TargetRows = targetRows,
                    Missing = _missingCount, Extra = _extraCount, Changed = _changedCount,
                    MissingSample = Ordered(_missing), ExtraSample = Ordered(_extra), ChangedSample = Ordered(_changed),
                };
        }

        // Bisection branches finish in any order; a report should not.
        private static List<RowKey> Ordered(List<RowKey> keys) =>
            [.. keys.OrderBy(k => string.Join('\u0001', k.Values.Select(v => v.PadLeft(32))), StringComparer.Ordinal)];
    }
}

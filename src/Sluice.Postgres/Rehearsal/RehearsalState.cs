using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Rehearsal;

/// <summary>One thing that differs between two states. <see cref="Subject"/> is what it is about (a schema object,
/// a table's rows, one column's values), the same whichever phase's revert finds it, so a difference a later phase
/// left behind is recognised when an earlier phase's revert finds it again.</summary>
internal sealed record StateDifference(string Subject, string Text)
{
    public override string ToString() => Text;
}

/// <summary>
/// The state a rehearsal compares before and after a step: the database's schema fingerprint and every table's
/// chunked data fingerprint (as snapshots are verified), plus each column's own chunk hashes at the same split points,
/// so a difference names the column. Row hashes do not depend on column order, so a down that drops a column and adds
/// it back (at the end of the table) restores the state when it restores the values. The rows the rehearsal's
/// workload writes are left out: the application wrote them, no phase has to restore them.
/// </summary>
internal sealed class RehearsalState
{
    private const int Chunks = 64;
    private readonly string _connectionString;
    private readonly WriteWorkload? _workload;
    private readonly SchemaFingerprint _schema;
    private readonly IReadOnlyList<TableState> _tables;

    private sealed record TableState(TableFingerprint Whole, IReadOnlyDictionary<string, TableFingerprint> Columns);

    private RehearsalState(string connectionString, WriteWorkload? workload, SchemaFingerprint schema, IReadOnlyList<TableState> tables) =>
        (_connectionString, _workload, _schema, _tables) = (connectionString, workload, schema, tables);

    public static Task<RehearsalState> TakeAsync(string connectionString, WriteWorkload? workload, CancellationToken cancellationToken) =>
        TakeAsync(connectionString, workload, null, cancellationToken);

    private static async Task<RehearsalState> TakeAsync(string connectionString, WriteWorkload? workload, RehearsalState? like, CancellationToken cancellationToken)
    {
        var excluded = FingerprintOptions.DefaultExcludedSchemas;
        await using var session = await ReadSession.OpenAsync(connectionString, 2, cancellationToken);
        var schema = await SchemaReader.ReadAsync(session, excluded, cancellationToken);
        var fingerprinter = new DataFingerprinter(Chunks);
        var tables = new List<TableState>();
        foreach (var table in await SchemaReader.TablesAsync(session, excluded, cancellationToken))
        {
            await using var reader = new PostgresFingerprintReader(session, workload?.SourceWithout(table) ?? FingerprintSource.Table(table));
            var earlier = like?._tables.FirstOrDefault(t => t.Whole.Source == table);
            var whole = await fingerprinter.FingerprintAsync(reader, earlier?.Whole, cancellationToken);
            var columns = new Dictionary<string, TableFingerprint>(StringComparer.Ordinal);
            // Cut where the whole table was cut, one column hashed at a time.
            foreach (var column in whole.Columns)
                columns[column.Name] = await fingerprinter.FingerprintAsync(reader, whole with { Columns = [column] }, cancellationToken);
            tables.Add(new TableState(whole, columns));
        }
        return new RehearsalState(connectionString, workload, schema, tables);
    }

    /// <summary>What differs now from this state, one line per schema object, table's rows or column's values
    /// ("column customers.full_name: added", "values of customers.full_name differ in 64 key range(s): ..."); empty when
    /// nothing does.</summary>
    public async Task<IReadOnlyList<StateDifference>> ChangesAsync(CancellationToken cancellationToken)
    {
        var now = await TakeAsync(_connectionString, _workload, this, cancellationToken);
        var differences = SchemaDiff.Compare(_schema, now._schema).Select(c => new StateDifference(c.ToString(), c.ToString())).ToList();
        foreach (var before in _tables)
        {
            var table = before.Whole.Source;
            if (now._tables.FirstOrDefault(t => t.Whole.Source == table) is not { } after)
            {
                differences.Add(new StateDifference($"table {table}", $"table {table}: gone"));
                continue;
            }
            differences.AddRange(Compare(table, before, after));
        }
        foreach (var added in now._tables.Where(t => _tables.All(b => b.Whole.Source != t.Whole.Source)))
            differences.Add(new StateDifference($"table {added.Whole.Source}", $"table {added.Whole.Source}: new"));
        return differences;
    }

    // Ranges whose row counts differ are rows gone or added; where counts agree, each column's hashes say whose values changed.
    private static IEnumerable<StateDifference> Compare(string table, TableState before, TableState after)
    {
        var whole = FingerprintComparison.Compare(before.Whole, after.Whole);
        if (whole.AreEqual || (whole.DifferingRanges.Count == 0 && !whole.WholeTableDiffers)) yield break;
        if (!whole.Locatable)
        {
            yield return new StateDifference($"rows {table}", $"{table}: rows differ ({whole.SourceRows:N0} -> {whole.TargetRows:N0}); they cannot be located: no primary key");
            yield break;
        }
        var counted = before.Whole.Chunks.Zip(after.Whole.Chunks).Where(p => p.First.Rows != p.Second.Rows).Select(p => p.First.Range).ToHashSet();
        if (counted.Count > 0)
            yield return new StateDifference($"rows {table}", $"{table}: rows gone or added in {counted.Count} key range(s): {KeyRange.ListFirst(counted)}");
        var named = false;
        foreach (var (name, column) in before.Columns)
        {
            if (!after.Columns.TryGetValue(name, out var now)) continue;
            var ranges = FingerprintComparison.Compare(column, now).DifferingRanges.Where(r => !counted.Contains(r)).ToList();
            if (ranges.Count == 0) continue;
            named = true;
            yield return new StateDifference($"values {table}.{name}", $"values of {table}.{name} differ in {ranges.Count} key range(s): {KeyRange.ListFirst(ranges)}");
        }
        if (!named && counted.Count == 0)
            yield return new StateDifference($"rows {table}", $"{table}: {whole.DifferingRanges.Count} key range(s) differ: {KeyRange.ListFirst(whole.DifferingRanges)}");
    }
}

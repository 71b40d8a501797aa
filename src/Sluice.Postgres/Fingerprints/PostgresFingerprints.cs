using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Fingerprints and diffs of PostgreSQL databases: the schema and every user table's chunks, each database read in
/// one snapshot; a diff bisects mismatching chunks down to the differing keys.
/// </summary>
public sealed class PostgresFingerprints(FingerprintOptions? options = null)
{
    private readonly FingerprintOptions _options = options ?? FingerprintOptions.Default;

    /// <summary>The schema and data fingerprint of the database, in one snapshot.</summary>
    /// <param name="like">A recorded fingerprint to match: tables are cut at its split points so they compare chunk by chunk.</param>
    public async Task<DatabaseFingerprint> TakeAsync(string connectionString, CancellationToken cancellationToken, DatabaseFingerprint? like = null)
    {
        await using var session = await ReadSession.OpenAsync(connectionString, _options.Degree, cancellationToken);
        return await TakeAsync(session, cancellationToken, like);
    }

    /// <summary>As <see cref="TakeAsync(string, CancellationToken, DatabaseFingerprint?)"/>, in a snapshot already open
    /// (the one a <c>pg_dump --snapshot</c> reads).</summary>
    public async Task<DatabaseFingerprint> TakeAsync(ReadSession session, CancellationToken cancellationToken, DatabaseFingerprint? like = null)
    {
        var schema = await SchemaReader.ReadAsync(session, _options.ExcludedSchemas, cancellationToken);
        var fingerprinter = new DataFingerprinter(_options.Chunks);
        var tables = new List<TableFingerprint>();
        foreach (var table in await SchemaReader.TablesAsync(session, _options.ExcludedSchemas, cancellationToken))
        {
            await using var reader = new PostgresFingerprintReader(session, FingerprintSource.Table(table));
            tables.Add(await fingerprinter.FingerprintAsync(reader, like?.Data.Find(table), cancellationToken));
        }
        return new DatabaseFingerprint(schema, new DataFingerprint(tables));
    }

    /// <summary>Everything that differs between two databases: schema changes, tables on one side only, and for each
    /// shared table the missing, extra and changed keys.</summary>
    public async Task<DiffReport> DiffAsync(string sourceConnectionString, string targetConnectionString, CancellationToken cancellationToken,
        DiffOptions? diffOptions = null)
    {
        var diff = (diffOptions ?? DiffOptions.Default).Validated();
        await using var source = await ReadSession.OpenAsync(sourceConnectionString, diff.Degree, cancellationToken);
        await using var target = await ReadSession.OpenAsync(targetConnectionString, diff.Degree, cancellationToken);
        var schemas = await Task.WhenAll(
            SchemaReader.ReadAsync(source, _options.ExcludedSchemas, cancellationToken), SchemaReader.ReadAsync(target, _options.ExcludedSchemas, cancellationToken));
        var sourceTables = await SchemaReader.TablesAsync(source, _options.ExcludedSchemas, cancellationToken);
        var targetTables = await SchemaReader.TablesAsync(target, _options.ExcludedSchemas, cancellationToken);
        var differ = new DataDiffer(diff);
        var tables = new List<TableDiff>();
        foreach (var table in sourceTables.Intersect(targetTables, StringComparer.Ordinal))
        {
            await using var s = new PostgresFingerprintReader(source, FingerprintSource.Table(table));
            await using var t = new PostgresFingerprintReader(target, FingerprintSource.Table(table));
            tables.Add(await differ.DiffAsync(s, t, cancellationToken));
        }
        return new DiffReport(SchemaDiff.Compare(schemas[0], schemas[1]), tables,
            [.. sourceTables.Except(targetTables, StringComparer.Ordinal)], [.. targetTables.Except(sourceTables, StringComparer.Ordinal)]);
    }

    /// <summary>Compares two sources (tables or queries), in two databases or in one: an old column against the new
    /// columns that replace it, a table against its copy.</summary>
    public static async Task<TableDiff> DiffAsync(string sourceConnectionString, FingerprintSource source,
        string targetConnectionString, FingerprintSource target, CancellationToken cancellationToken, DiffOptions? diffOptions = null)
    {
        var diff = (diffOptions ?? DiffOptions.Default).Validated();
        await using var sourceSession = await ReadSession.OpenAsync(sourceConnectionString, diff.Degree, cancellationToken);
        await using var targetSession = await ReadSession.OpenAsync(targetConnectionString, diff.Degree, cancellationToken);
        return await DiffAsync(sourceSession, source, targetSession, target, diff, cancellationToken);
    }

    /// <summary>Compares two sources of one database in one snapshot, so rows written while the diff runs cannot
    /// make the two sides disagree: the old and the new representation of the same rows.</summary>
    public static async Task<TableDiff> DiffAsync(string connectionString, FingerprintSource source, FingerprintSource target,
        CancellationToken cancellationToken, DiffOptions? diffOptions = null)
    {
        var diff = (diffOptions ?? DiffOptions.Default).Validated();
        await using var session = await ReadSession.OpenAsync(connectionString, diff.Degree, cancellationToken);
        return await DiffAsync(session, source, session, target, diff, cancellationToken);
    }

    private static async Task<TableDiff> DiffAsync(ReadSession sourceSession, FingerprintSource source, ReadSession targetSession,
        FingerprintSource target, DiffOptions diff, CancellationToken cancellationToken)
    {
        await using var s = new PostgresFingerprintReader(sourceSession, source);
        await using var t = new PostgresFingerprintReader(targetSession, target);
        return await new DataDiffer(diff).DiffAsync(s, t, cancellationToken);
    }
}

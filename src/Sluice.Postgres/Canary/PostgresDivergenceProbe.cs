using System.Globalization;
using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Canary;

/// <summary>
/// Dual-write parity with the fingerprint service: the rows of the check's table written during the window (by its
/// <c>written_at</c> column) are read twice in one snapshot, once as the old representation and once as the new one
/// (each cast to text, so <c>full_name</c> and <c>first_name || ' ' || last_name</c> hash alike when they agree),
/// keyed by the check's key; chunk hashes are compared and bisected down to the keys that differ.
/// </summary>
public sealed class PostgresDivergenceProbe(string connectionString, DiffOptions? options = null) : IDivergenceProbe
{
    public const string SourceName = "divergence";

    public async Task<DivergenceReading> MeasureAsync(DivergenceCheck check, MetricWindow window, CancellationToken cancellationToken)
    {
        TableDiff diff;
        try
        {
            diff = await PostgresFingerprints.DiffAsync(connectionString,
                Side(check, "expected", check.Expected, window), Side(check, "actual", check.Actual, window), cancellationToken, options);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new MetricSourceException(SourceName, $"check '{check.Name}' on {check.Table} could not read the database: {e.Message}", e);
        }
        var keys = diff.MissingSample.Concat(diff.ExtraSample).Concat(diff.ChangedSample).Select(k => k.ToString()).Distinct().ToList();
        return new DivergenceReading(check.Name, Math.Max(diff.SourceRows, diff.TargetRows), diff.Missing + diff.Extra + diff.Changed, keys);
    }

    /// <summary>One side: the key and one expression as text, over the rows written in [start, end). Both sides name
    /// the value alike, so the rows are compared on it and not only on their keys.</summary>
    private static FingerprintSource Side(DivergenceCheck check, string side, string expression, MetricWindow window)
    {
        var table = string.Join('.', check.Table.Split('.').Select(Databases.Sql.Identifier));
        var key = Databases.Sql.Identifier(check.Key);
        var writtenAt = Databases.Sql.Identifier(check.WrittenAt);
        return FingerprintSource.FromQuery($"{check.Name} ({side})",
            $"SELECT {key}, ({expression})::text AS value FROM {table} WHERE {writtenAt} >= {Instant(window.Start)} AND {writtenAt} < {Instant(window.End)}",
            check.Key);
    }

    private static string Instant(DateTimeOffset at) => $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'::timestamptz";
}

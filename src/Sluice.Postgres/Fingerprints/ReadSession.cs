using System.Collections.Concurrent;
using Npgsql;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Connections to one database that all read the same snapshot: the first opens a <c>REPEATABLE READ</c> transaction
/// and exports its snapshot (<c>pg_export_snapshot()</c>), the others import it, so parallel chunk queries and a
/// <c>pg_dump --snapshot</c> see exactly the same rows. The exporting transaction stays open until disposal.
/// </summary>
public sealed class ReadSession : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly NpgsqlConnection _exporter;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<NpgsqlConnection> _idle = [];
    private readonly ConcurrentBag<NpgsqlConnection> _all = [];
    private readonly ConcurrentDictionary<string, TypeHashing> _hashing = new(StringComparer.Ordinal);

    private ReadSession(string connectionString, NpgsqlConnection exporter, string snapshotId, int degree)
    {
        _connectionString = connectionString;
        _exporter = exporter;
        SnapshotId = snapshotId;
        Degree = degree;
        _slots = new SemaphoreSlim(degree);
        _idle.Add(exporter);
        _all.Add(exporter);
    }

    /// <summary>The exported snapshot, for <c>pg_dump --snapshot</c> or another session.</summary>
    public string SnapshotId { get; }

    /// <summary>How many connections may run queries at once.</summary>
    public int Degree { get; }

    /// <summary>Opens the exporting connection; <paramref name="degree"/> connections at most will query at once.</summary>
    public static async Task<ReadSession> OpenAsync(string connectionString, int degree, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "sluice-fingerprint", CommandTimeout = 0 }.ConnectionString;
        var exporter = new NpgsqlConnection(unpooled);
        try
        {
            await exporter.OpenAsync(cancellationToken);
            await using var begin = new NpgsqlCommand($"{SessionSettings.Sql} BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot()", exporter);
            var snapshot = (string)(await begin.ExecuteScalarAsync(cancellationToken))!;
            return new ReadSession(unpooled, exporter, snapshot, degree);
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }
    }

    /// <summary>How a column type hashes (<see cref="TypeHashers.HashingAsync"/>), asked of the database once per session:
    /// the catalog does not change within one snapshot, and every table's reader asks about the same few types.</summary>
    internal async Task<TypeHashing> HashingOfAsync(NpgsqlConnection connection, string type, CancellationToken cancellationToken)
    {
        if (_hashing.TryGetValue(type, out var known)) return known;
        return _hashing[type] = await TypeHashers.HashingAsync(connection, type, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a connection of the snapshot, waiting for a free one.</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var connection = _idle.TryTake(out var idle) ? idle : await ImportAsync(cancellationToken);
            try
            {
                return await work(connection);
            }
            finally
            {
                _idle.Add(connection);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<NpgsqlConnection> ImportAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        _all.Add(connection);
        await using var begin = new NpgsqlCommand(
            $"{SessionSettings.Sql} BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '{SnapshotId}'", connection);
        await begin.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _all) await connection.DisposeAsync();
        _slots.Dispose();
    }
}

using System.Collections.Concurrent;
using Npgsql;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Connections to one database that all read the same snapshot: the first opens a <c>REPEATABLE READ</c> transaction
/// and exports its snapshot (<c>pg_export_snapshot()</c>), the others import it, so parallel chunk queries and a
/// <c>pg_dump --snapshot</c> see exactly the same rows. The exporting transaction stays open until disposal.
/// <para>On an environment session's pool (<see cref="OpenAsync(NpgsqlDataSource, int, CancellationToken)"/>) its
/// connections are the pool's: each transaction is rolled back before the connection goes back, the pool's reset
/// undoes the pinned settings, and the long reads set their own command timeout (0). From a connection string, its
/// connections are unpooled ones of their own (<c>sluice-fingerprint</c>), for databases no session holds.</para>
/// </summary>
public sealed class ReadSession : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask<NpgsqlConnection>> _open;
    private readonly NpgsqlConnection _exporter;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<NpgsqlConnection> _idle = [];
    private readonly ConcurrentBag<NpgsqlConnection> _all = [];
    private readonly ConcurrentDictionary<string, TypeHashing> _hashing = new(StringComparer.Ordinal);

    private ReadSession(Func<CancellationToken, ValueTask<NpgsqlConnection>> open, NpgsqlConnection exporter, string snapshotId, int degree)
    {
        _open = open;
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
    public static Task<ReadSession> OpenAsync(string connectionString, int degree, CancellationToken cancellationToken)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "sluice-fingerprint", CommandTimeout = 0 }.ConnectionString;
        return OpenAsync(async ct =>
        {
            var connection = new NpgsqlConnection(unpooled);
            await connection.OpenAsync(ct);
            return connection;
        }, degree, cancellationToken);
    }

    /// <summary>As <see cref="OpenAsync(string, int, CancellationToken)"/>, on connections of <paramref name="dataSource"/>
    /// (an environment session's pool).</summary>
    public static Task<ReadSession> OpenAsync(NpgsqlDataSource dataSource, int degree, CancellationToken cancellationToken) =>
        OpenAsync(dataSource.OpenConnectionAsync, degree, cancellationToken);

    private static async Task<ReadSession> OpenAsync(Func<CancellationToken, ValueTask<NpgsqlConnection>> open, int degree, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        var exporter = await open(cancellationToken);
        try
        {
            await using var begin = new NpgsqlCommand($"{SessionSettings.Sql} BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot()", exporter);
            var snapshot = (string)(await begin.ExecuteScalarAsync(cancellationToken))!;
            return new ReadSession(open, exporter, snapshot, degree);
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
        var connection = await _open(cancellationToken);
        _all.Add(connection);
        await using var begin = new NpgsqlCommand(
            $"{SessionSettings.Sql} BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '{SnapshotId}'", connection);
        await begin.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _all)
        {
            // A pooled connection goes back without the snapshot's transaction; an unpooled one just closes.
            try
            {
                if (connection.State == System.Data.ConnectionState.Open)
                {
                    await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                    await rollback.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }
            catch (NpgsqlException)
            {
                // A broken connection is not returned to the pool for reuse.
            }
            await connection.DisposeAsync();
        }
        _slots.Dispose();
    }
}

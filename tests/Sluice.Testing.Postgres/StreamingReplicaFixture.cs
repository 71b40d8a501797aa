using System.Security.Cryptography;
using Sluice.Postgres.Clusters;
using Xunit;

namespace Sluice.Testing.Postgres;

/// <summary>
/// A <see cref="PostgresFixture"/> whose cluster keeps WAL for replicas (<c>wal_level = replica</c>), with one
/// streaming standby of it (<see cref="StreamingReplica"/>) started for the whole fixture. Every database a test clones
/// on the primary appears on the standby once replayed (<see cref="StreamingReplica.WaitForReplayAsync"/>).
/// <para>Pausing replay pauses it for every test that shares the fixture: share it through one xunit collection
/// (<c>[CollectionDefinition]</c> with <c>ICollectionFixture&lt;StreamingReplicaFixture&gt;</c> in the test project), whose
/// tests run one at a time, and resume replay in a <c>finally</c>.</para>
/// </summary>
public sealed class StreamingReplicaFixture : PostgresFixture
{
    private string? _root;
    private StreamingReplica? _replica;

    /// <summary>The started standby of <see cref="PostgresFixture.Cluster"/>.</summary>
    public StreamingReplica Replica => _replica ?? throw new InvalidOperationException($"{nameof(StreamingReplicaFixture)} is not initialized");

    /// <summary>A connection string to <paramref name="database"/> on the standby (read-only).</summary>
    public string StandbyConnectionString(string database) => Replica.Standby.ConnectionString(database);

    // The primary writes full WAL (no minimal-WAL shortcuts) and serves a WAL sender to the standby.
    protected override IReadOnlyDictionary<string, string>? ServerSettings => StreamingReplica.PrimarySettings;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // Short: the standby's default socket folder derives from this path, and its own lives under /tmp.
        _root = Path.Combine(Path.GetTempPath(), $"sluice-r{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        _replica = new StreamingReplica(Cluster, new StreamingReplicaOptions { DataDirectory = Path.Combine(_root, "data") });
        await _replica.StartAsync(timeout.Token);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_replica is not null) await _replica.RemoveAsync(CancellationToken.None);
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        await base.DisposeAsync();
    }
}

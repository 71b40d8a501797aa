using System.Collections.Concurrent;
using Sluice.Adapters.Tests.Fakes;
using Sluice.Postgres.Clusters;

namespace Sluice.Cloud.Tests.Fakes;

/// <summary>
/// What both cloud fakes are made of: a loopback HTTP server speaking the provider's wire format, a
/// <see cref="FakeDatabaseHost"/> that makes snapshots and restored copies real, the log of calls and the fault modes a
/// test sets. Disposing stops the server and every restored copy's cluster.
/// </summary>
public abstract class FakeCloudServer(FakeDatabaseHost host) : IFakeCloud
{
    private readonly ConcurrentQueue<string> _calls = new();
    private LoopbackServer? _server;

    protected FakeDatabaseHost Host => host;

    public LoopbackServer Loopback => _server ?? throw new InvalidOperationException("the fake is not serving yet");

    public Uri Endpoint => Loopback.Address;

    /// <summary>Every call, in order (throttled ones too), in the provider's words (an RDS action, "METHOD path-tail").</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    public FakeThrottle? Throttle { get; set; }

    /// <summary>What a restore does: become available, fail halfway, or never become available.</summary>
    public FakeRestore RestoreOutcome { get; set; } = FakeRestore.Available;

    /// <summary>SQL run on every restored copy before it becomes available: a corrupted restore.</summary>
    public string? CorruptRestore { get; set; }

    /// <summary>Runs when a copy becomes available (a test cancels its run there).</summary>
    public Action<string>? OnCopyAvailable { get; set; }

    public abstract IReadOnlyList<string> Copies { get; }

    public abstract IReadOnlyList<string> SnapshotNames { get; }

    public abstract IReadOnlyDictionary<string, string> TagsOf(string name);

    /// <summary>The clusters of the copies restored so far (null for those deleted).</summary>
    protected abstract IEnumerable<LocalCluster?> CopyClusters { get; }

    protected void Called(string call) => _calls.Enqueue(call);

    /// <summary>Makes a fake on a fresh database host and starts serving it.</summary>
    protected static async Task<T> StartAsync<T>(Func<FakeDatabaseHost, T> create, Func<T, Task<LoopbackServer>> serve, CancellationToken cancellationToken)
        where T : FakeCloudServer
    {
        var fake = create(await FakeDatabaseHost.StartAsync(cancellationToken));
        fake._server = await serve(fake);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        foreach (var cluster in CopyClusters) if (cluster is not null) await cluster.DisposeAsync();
        host.Dispose();
    }
}

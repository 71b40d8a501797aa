using System.Collections.Concurrent;
using Shop.Customers;

namespace Shop.Caching;

/// <summary>
/// Customer views kept in memory by one instance. A view cached before the switch phase was read through the old
/// path (full_name only), so the switch must invalidate it: the sample plan's after hook calls
/// <c>POST /cache/invalidate</c>. An invalidation carries an <c>Idempotency-Key</c>; one already seen is answered the
/// same and does nothing again, so a hook retried after a lost answer is counted once.
/// </summary>
public sealed class CustomerCache
{
    private readonly ConcurrentDictionary<long, CustomerView> _views = new();
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private int _invalidations;
    private int _requests;

    public bool TryGet(long id, out CustomerView view) => _views.TryGetValue(id, out view!);

    public void Put(CustomerView view) => _views[view.Id] = view;

    /// <returns>False when <paramref name="idempotencyKey"/> was seen before (nothing was cleared).</returns>
    public bool Invalidate(string? idempotencyKey)
    {
        Interlocked.Increment(ref _requests);
        if (idempotencyKey is not null && !_keys.TryAdd(idempotencyKey, 0)) return false;
        _views.Clear();
        Interlocked.Increment(ref _invalidations);
        return true;
    }

    /// <summary>What <c>GET /cache</c> shows: entries held, invalidations done, invalidation requests received.</summary>
    public CacheState State => new(_views.Count, Volatile.Read(ref _invalidations), Volatile.Read(ref _requests), [.. _keys.Keys.Order(StringComparer.Ordinal)]);
}

public sealed record CacheState(int Entries, int Invalidations, int Requests, IReadOnlyList<string> Keys);

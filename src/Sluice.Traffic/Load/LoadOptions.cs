namespace Sluice.Traffic.Load;

/// <summary>
/// A bounded load: a loopback target, a fixed rate and a duration (both required), and the mix of the sample
/// service's reads (<c>GET /customers/{id}</c>) and writes (<c>POST /customers</c>).
/// </summary>
/// <param name="Target">The base address to load, on loopback only (the router, or one version directly).</param>
/// <param name="RatePerSecond">Requests started per second, 1 to <see cref="MaxRate"/>.</param>
/// <param name="Duration">How long requests are started for, up to <see cref="MaxDuration"/>.</param>
public sealed record LoadOptions(Uri Target, int RatePerSecond, TimeSpan Duration)
{
    public const int MaxRate = 500;

    public static TimeSpan MaxDuration { get; } = TimeSpan.FromMinutes(10);

    /// <summary>The share of requests that write a new customer (0 to 1); the rest read one.</summary>
    public double WriteShare { get; init; } = 0.2;

    /// <summary>Simulated users, each with its own cookies (so a sticky router keeps each on one version).</summary>
    public int Users { get; init; } = 20;

    /// <summary>Reads pick a customer id from 1 to this (the sample's seed data has 2,000).</summary>
    public int Customers { get; init; } = 2_000;

    /// <summary>How long one request may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests allowed in flight at once; a tick that finds them all busy is skipped and counted, never queued.</summary>
    public int MaxInFlight { get; init; } = 256;
}

/// <summary>What a load run did: requests sent, answered 2xx, failed (another status, no answer, a timeout), and
/// ticks skipped because <see cref="LoadOptions.MaxInFlight"/> requests were still running.</summary>
public sealed record LoadReport(long Sent, long Ok, long Failed, long Skipped, long Reads, long Writes, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{Sent} sent ({Reads} reads, {Writes} writes), {Ok} ok, {Failed} failed, {Skipped} skipped in {Elapsed.TotalSeconds:0.0} s";
}

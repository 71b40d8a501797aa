using Sluice.Canary;

namespace Sluice.Traffic.Metrics;

/// <summary>
/// What the router saw of each request, per version, in a ring of fixed size (oldest forgotten first), so memory stays
/// bounded however long a canary runs: arrival time, time to the answer, whether it failed (a 5xx from the service, or
/// the router could not reach it) and whether the service answered at all.
/// </summary>
internal sealed class RequestLog(int capacity)
{
    private readonly Ring _baseline = new(capacity);
    private readonly Ring _canary = new(capacity);

    public void Record(ServiceVersion version, DateTimeOffset arrived, double milliseconds, bool failed, bool answered) =>
        RingOf(version).Add(arrived.UtcTicks, (float)milliseconds, failed, answered);

    /// <summary>The requests that arrived in <paramref name="window"/> (start inclusive, end exclusive).</summary>
    public WindowCounts Read(ServiceVersion version, MetricWindow window) =>
        RingOf(version).Read(window.Start.UtcTicks, window.End.UtcTicks);

    private Ring RingOf(ServiceVersion version) => version == ServiceVersion.Canary ? _canary : _baseline;

    private sealed class Ring(int capacity)
    {
        private readonly long[] _ticks = new long[capacity];
        private readonly float[] _milliseconds = new float[capacity];
        private readonly byte[] _flags = new byte[capacity];
        private readonly Lock _lock = new();
        private int _next;
        private int _count;

        private const byte Failed = 1, Answered = 2;

        public void Add(long ticks, float milliseconds, bool failed, bool answered)
        {
            lock (_lock)
            {
                _ticks[_next] = ticks;
                _milliseconds[_next] = milliseconds;
                _flags[_next] = (byte)((failed ? Failed : 0) | (answered ? Answered : 0));
                _next = (_next + 1) % _ticks.Length;
                _count = Math.Min(_count + 1, _ticks.Length);
            }
        }

        public WindowCounts Read(long from, long to)
        {
            long requests = 0, failures = 0;
            var latencies = new List<double>();
            lock (_lock)
            {
                for (var i = 0; i < _count; i++)
                {
                    if (_ticks[i] < from || _ticks[i] >= to) continue;
                    requests++;
                    if ((_flags[i] & Failed) != 0) failures++;
                    if ((_flags[i] & Answered) != 0) latencies.Add(_milliseconds[i]);
                }
            }
            return new WindowCounts(requests, failures, latencies);
        }
    }
}

/// <summary>One version's requests in a window: how many, how many failed, and the latencies of those the service answered.</summary>
internal sealed record WindowCounts(long Requests, long Failures, IReadOnlyList<double> Latencies);

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// A bijection of [0, n) drawn from a random source, computed per index in O(1) with no table: a four-round Feistel
/// network over the smallest even number of bits that covers n, applied again while the result falls outside [0, n)
/// (cycle walking; the network's domain is under 4n, so under four rounds of it on average). It places a column's
/// values on rows as a Fisher-Yates shuffle would, without the column in memory.
/// </summary>
internal sealed class SeededPermutation
{
    private const int Rounds = 4;
    private readonly int _count;
    private readonly int _half;
    private readonly ulong _mask;
    private readonly ulong[] _keys = new ulong[Rounds];

    public SeededPermutation(int count, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _count = count;
        var bits = 2;
        while (bits < 62 && 1L << bits < count) bits += 2;
        _half = bits / 2;
        _mask = (1UL << _half) - 1;
        for (var i = 0; i < Rounds; i++) _keys[i] = (ulong)random.NextInt64();
    }

    public int Map(int index)
    {
        if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index), index, $"outside [0, {_count})");
        var x = (ulong)index;
        do x = Encrypt(x);
        while (x >= (ulong)_count);
        return (int)x;
    }

    private ulong Encrypt(ulong x)
    {
        ulong left = x >> _half, right = x & _mask;
        foreach (var key in _keys) (left, right) = (right, left ^ (Scramble(right ^ key) & _mask));
        return (left << _half) | right;
    }

    /// <summary>The splitmix64 finalizer: a bijection of 64-bit integers whose every output bit depends on every input bit.</summary>
    public static ulong Scramble(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

namespace Sluice.Fingerprints;

/// <summary>How a diff cuts and bisects.</summary>
/// <param name="InitialChunks">Chunks per table in the first pass (split points from the key's statistics). Many small
/// chunks cost the first pass little (one scan either way) and make each difference cheaper to locate.</param>
/// <param name="Factor">Parts a mismatching chunk is cut into at each bisection step.</param>
/// <param name="RowThreshold">A mismatching chunk of at most this many rows (on either side) is compared row by row;
/// above it, hashing sub-chunks in the server is cheaper than shipping every key.</param>
/// <param name="SampleLimit">Keys kept per kind of difference (missing, extra, changed) per table; counts stay exact.</param>
/// <param name="Degree">Chunks worked on at once per side, each on its own connection.</param>
public sealed record DiffOptions(int InitialChunks = 256, int Factor = 16, int RowThreshold = 5_000, int SampleLimit = 20, int Degree = 2)
{
    public static DiffOptions Default { get; } = new();

    public DiffOptions Validated()
    {
        if (InitialChunks < 1) throw new ArgumentOutOfRangeException(nameof(InitialChunks), InitialChunks, "at least 1");
        if (Factor < 2) throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "at least 2");
        if (RowThreshold < 1) throw new ArgumentOutOfRangeException(nameof(RowThreshold), RowThreshold, "at least 1");
        if (SampleLimit < 0) throw new ArgumentOutOfRangeException(nameof(SampleLimit), SampleLimit, "not negative");
        if (Degree < 1) throw new ArgumentOutOfRangeException(nameof(Degree), Degree, "at least 1");
        return this;
    }
}

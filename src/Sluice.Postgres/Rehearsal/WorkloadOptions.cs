namespace Sluice.Postgres.Rehearsal;

/// <summary>The application writes a rehearsal plays while phases run, and how many times it plays them.</summary>
/// <param name="Runs">Whole rehearsals, each under a workload of its own seed (ignored when <paramref name="Seed"/> is set).</param>
/// <param name="Seed">Replays the one workload of this seed (printed in every report); null draws fresh seeds.</param>
/// <param name="KeysPerTable">Rows per touched table the workload writes (a seeded sample of the keys).</param>
/// <param name="WritesPerRound">Writes per touched table between two backfill batches.</param>
public sealed record WorkloadOptions(int Runs = 3, int? Seed = null, int KeysPerTable = 64, int WritesPerRound = 8)
{
    /// <summary>The seeds to run: the one asked for, or <see cref="Runs"/> fresh ones.</summary>
    public IReadOnlyList<int> Seeds(Random random) =>
        Seed is { } seed ? [seed] : [.. Enumerable.Range(0, Math.Max(1, Runs)).Select(_ => random.Next(1, int.MaxValue))];
}

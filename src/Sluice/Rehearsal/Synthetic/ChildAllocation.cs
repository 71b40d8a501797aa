namespace Sluice.Rehearsal.Synthetic;

/// <summary>
/// Decides which parent each child row points at so that the number of children per parent follows a profile's
/// shape. Deterministic for a given random source; every child gets a parent that exists (no orphans).
/// </summary>
public static class ChildAllocation
{
    /// <returns>For each child row, the index of its parent row.</returns>
    public static int[] Allocate(IReadOnlyList<Profiles.ChildCount> shape, int parents, int children, Random random)
    {
        if (children == 0) return [];
        if (parents == 0) throw new ArgumentException("children need at least one parent", nameof(parents));
        var perParent = PerParentCounts(shape, parents, children);
        Shuffle(perParent, random);
        Fit(perParent, children);
        var result = new int[children];
        var next = 0;
        for (var parent = 0; parent < parents; parent++)
            for (var i = 0; i < perParent[parent]; i++) result[next++] = parent;
        Shuffle(result, random);
        return result;
    }

    // Scale the shape to the number of parents: each bucket gets its share of parents, the last bucket what remains.
    private static int[] PerParentCounts(IReadOnlyList<Profiles.ChildCount> shape, int parents, int children)
    {
        var counts = new int[parents];
        var profiled = shape.Sum(s => s.Parents);
        if (profiled == 0)
        {
            for (var i = 0; i < parents; i++) counts[i] = children / parents + (i < children % parents ? 1 : 0);
            return counts;
        }
        var next = 0;
        double cumulative = 0;
        foreach (var bucket in shape)
        {
            cumulative += bucket.Parents;
            var until = (int)Math.Round(cumulative / profiled * parents);
            for (; next < until && next < parents; next++) counts[next] = (int)Math.Min(bucket.Children, children);
        }
        for (; next < parents; next++) counts[next] = (int)Math.Min(shape[^1].Children, children);
        return counts;
    }

    // Rounding and scale leave the total a little off: take from or add to parents in (shuffled) turn.
    private static void Fit(int[] perParent, int children)
    {
        var total = perParent.Sum(c => (long)c);
        for (var i = 0; total > children; i = (i + 1) % perParent.Length)
            if (perParent[i] > 0) { perParent[i]--; total--; }
        var withChildren = perParent.Any(c => c > 0);
        for (var i = 0; total < children; i = (i + 1) % perParent.Length)
            if (!withChildren || perParent[i] > 0) { perParent[i]++; total++; }
    }

    public static void Shuffle<T>(T[] items, Random random)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

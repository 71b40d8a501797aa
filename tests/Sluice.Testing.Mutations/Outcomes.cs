using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sluice.Testing.Mutations;

/// <summary>How a property test's cases ended (loaded, or which code), counted across threads, and how long they took.</summary>
public sealed class Outcomes
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Count(string outcome) => _counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary><c>2000 mutated plans in 9.2 s: SLU020 860, ..., loaded 393</c>.</summary>
    public string Summary(string what) =>
        $"{_counts.Values.Sum()} {what} in {_clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", _counts.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}";
}

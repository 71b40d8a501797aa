namespace Sluice.Postgres.Rehearsal;

/// <summary>One run's replay counts, per statement, across every phase it ran beside.</summary>
internal sealed class ReplayTally
{
    private readonly Dictionary<string, (long Calls, long Errors)> _counts = new(StringComparer.Ordinal);
    private TimeSpan _running;

    public TimeSpan Running { get { lock (_counts) return _running; } }

    public void Called(string id, bool failed)
    {
        lock (_counts)
        {
            var (calls, errors) = _counts.GetValueOrDefault(id);
            _counts[id] = (calls + 1, errors + (failed ? 1 : 0));
        }
    }

    public void Ran(TimeSpan elapsed) { lock (_counts) _running += elapsed; }

    public (long Calls, long Errors) Of(string id) { lock (_counts) return _counts.GetValueOrDefault(id); }
}

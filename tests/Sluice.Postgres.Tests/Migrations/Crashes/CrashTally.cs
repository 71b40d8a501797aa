using System.Globalization;
using System.Text;

namespace Sluice.Postgres.Tests.Migrations.Crashes;

/// <summary>One kill: where it landed, the rows it threw away (done again by the next run), and whether it left an
/// INVALID index behind.</summary>
internal sealed record CrashRecord(KillPoint At, long RowsRedone, bool LeftInvalidIndex, int BusyRetries);

/// <summary>The kills of a crash run, counted by kind, with the distribution of rows re-done.</summary>
internal sealed class CrashTally
{
    private readonly List<CrashRecord> _records = [];

    public IReadOnlyList<CrashRecord> Records => _records;

    public void Add(CrashRecord record) => _records.Add(record);

    public static (long Min, long Median, long Max) Distribution(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? (0, 0, 0) : (sorted[0], sorted[sorted.Count / 2], sorted[^1]);
    }

    /// <summary>A Markdown table: kills, rows re-done (min/median/max) and INVALID indexes left, per kind and in all.</summary>
    public string Table()
    {
        var text = new StringBuilder("| kind of step | kills | rows re-done min / median / max | INVALID index left |\n|---|---:|---:|---:|\n");
        void Row(string kind, IReadOnlyCollection<CrashRecord> kills)
        {
            var (min, median, max) = Distribution(kills.Select(k => k.RowsRedone));
            text.Append(CultureInfo.InvariantCulture, $"| {kind} | {kills.Count} | {min} / {median} / {max} | {kills.Count(k => k.LeftInvalidIndex)} |\n");
        }
        foreach (var kind in _records.GroupBy(r => r.At.Kind)) Row(kind.Key, [.. kind]);
        Row("**all**", _records);
        return text.ToString();
    }
}

namespace Sluice.Rehearsal.Profiles;

/// <summary>
/// Replaces the real values of sensitive columns by tokens that keep frequencies and order: the same real value
/// always becomes the same token within a column, and tokens sort like the values they replace (so histograms
/// stay histograms). Only text-like columns can carry tokens; other sensitive columns lose their values entirely
/// and keep only null fraction and distinct count.
/// </summary>
public static class SensitiveMask
{
    private static readonly HashSet<string> TextTypes = new(StringComparer.Ordinal) { "text", "varchar", "bpchar", "citext", "name" };

    public static ColumnProfile Apply(string table, ColumnProfile column)
    {
        var prefix = $"{table}.{column.Name}:";
        if (!TextTypes.Contains(column.Type))
            return column with { MostCommon = [], HistogramBounds = [], Sensitive = true };
        var values = column.MostCommon.Select(m => m.Value).Concat(column.HistogramBounds).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        var width = Math.Max(6, values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var tokens = values.Select((v, i) => (v, token: prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0')))
            .ToDictionary(p => p.v, p => p.token, StringComparer.Ordinal);
        return column with
        {
            MostCommon = [.. column.MostCommon.Select(m => m with { Value = tokens[m.Value] })],
            HistogramBounds = [.. column.HistogramBounds.Select(b => tokens[b])],
            Sensitive = true,
        };
    }
}

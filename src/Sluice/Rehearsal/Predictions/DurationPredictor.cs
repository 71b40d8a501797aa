using System.Globalization;

namespace Sluice.Rehearsal.Predictions;

/// <summary>
/// Predicts a phase's duration at production size from what each piece of its work took on synthetic data, table by
/// table: the synthetic data is not one uniform fraction of production (rounding of small tables, a child table's
/// fan-out, a table the profile lacks), and work on the catalog does not grow at all, so each piece grows with the rows
/// of the tables it touched, not with one scale factor.
/// The first row that matches decides a piece:
/// <code>
/// #  The piece of work                                              Its production estimate
/// 1  catalog only (no table's rows read or written)                 as measured: it takes as long on any size
/// 2  data work on tables the profile counts and the rehearsal filled  time x the largest profiled/synthetic ratio among them
/// 3  data work on a table the profile lacks or the rehearsal left empty  time / the run's overall scale
/// </code>
/// A phase's prediction is the sum of its pieces.
/// </summary>
public sealed class DurationPredictor(IReadOnlyDictionary<string, TableRows> rows, double scale)
{
    public PhasePrediction Predict(IReadOnlyList<MeasuredWork> work)
    {
        var total = TimeSpan.Zero;
        var basis = new List<string>(work.Count);
        foreach (var piece in work)
        {
            var (factor, why) = Factor(piece);
            total += piece.Duration * factor;
            basis.Add(string.Create(CultureInfo.InvariantCulture, $"{piece.What}: {piece.Duration.TotalMilliseconds:F0} ms x {factor:0.###} ({why})"));
        }
        return new PhasePrediction(total, basis);
    }

    private (double Factor, string Why) Factor(MeasuredWork piece)
    {
        if (!piece.Data) return (1, "rule 1: catalog only");
        var known = piece.Tables.Select(t => rows.GetValueOrDefault(t)).Where(r => r is { Profiled: > 0, Synthetic: > 0 }).ToList();
        if (known.Count == piece.Tables.Count && known.Count > 0)
        {
            var largest = known.MaxBy(r => (double)r!.Profiled / r.Synthetic)!;
            return ((double)largest.Profiled / largest.Synthetic,
                string.Create(CultureInfo.InvariantCulture, $"rule 2: {largest.Table} {largest.Synthetic} rows here, {largest.Profiled} profiled"));
        }
        return (scale <= 0 ? 1 : 1 / scale, string.Create(CultureInfo.InvariantCulture, $"rule 3: the run's scale {scale:0.####}"));
    }
}

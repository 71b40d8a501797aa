using Sluice.Rehearsal.Profiles;

namespace Sluice.Rehearsal.Traffic;

/// <summary>How one recorded statement planned on the synthetic data against production.</summary>
/// <param name="Production">The shape the profile recorded.</param>
/// <param name="Rehearsal">The shape on the synthetic data, null when it did not plan there.</param>
/// <param name="Why">What differs, with a likely cause; null when the shapes are the same.</param>
public sealed record PlanComparison(string Id, string Query, IReadOnlyList<string> Production, IReadOnlyList<string>? Rehearsal, string? Why)
{
    public bool Same => Why is null;
}

/// <summary>The planner-fidelity figure: of the recorded statements with a plan, the share that planned alike.</summary>
/// <param name="Minimum">The share below which the rehearsal fails (<c>gates.plan_fidelity</c>).</param>
public sealed record PlannerFidelity(IReadOnlyList<PlanComparison> Statements, double Minimum)
{
    public int Compared => Statements.Count;

    public int Same => Statements.Count(s => s.Same);

    /// <summary>Same over compared; null when nothing was compared (no figure, never a pass).</summary>
    public double? Ratio => Compared == 0 ? null : (double)Same / Compared;

    public bool Met => Ratio is { } ratio && ratio >= Minimum;
}

/// <summary>
/// Compares the plan shapes the profile recorded with the shapes the same statements get on the synthetic data after
/// ANALYZE. The rules, row by row (tested in <c>PlanFidelityRulesTests</c>):
/// <list type="number">
/// <item>A statement the profile could not explain (no recorded plan) is not compared.</item>
/// <item>A statement that does not plan on the rehearsal's schema (a table or column missing) is compared and differs, with the server's error.</item>
/// <item>The same lines (node types, operations, indexes, relations, in tree order) are the same plan; costs and estimates never count.</item>
/// <item>Different lines differ: the first differing line on each side is named.</item>
/// <item>An index production's plan uses that the rehearsal's plan does not is named as the likely cause (missing from the schema folder?).</item>
/// <item>The figure is same over compared; with nothing compared there is no figure.</item>
/// </list>
/// </summary>
public static class PlanFidelity
{
    /// <summary>The goal the issue set: 95 % of the top statements plan alike.</summary>
    public const double DefaultMinimum = 0.95;

    /// <param name="rehearsed">Per statement id, the rehearsal's shape, or the error that kept it from planning.</param>
    public static PlannerFidelity Compare(IEnumerable<StatementShape> recorded, IReadOnlyDictionary<string, (IReadOnlyList<string>? Shape, string? Error)> rehearsed,
        double minimum = DefaultMinimum)
    {
        var comparisons = new List<PlanComparison>();
        foreach (var statement in recorded)
        {
            if (statement.Plan is not { } production) continue; // rule 1
            var (shape, error) = rehearsed.TryGetValue(statement.Id, out var found) ? found : (null, "not explained in the rehearsal");
            comparisons.Add(new PlanComparison(statement.Id, statement.Query, production, shape, Why(production, shape, error)));
        }
        return new PlannerFidelity(comparisons, minimum);
    }

    private static string? Why(IReadOnlyList<string> production, IReadOnlyList<string>? rehearsal, string? error)
    {
        if (rehearsal is null) return $"does not plan on the rehearsal's schema: {error}"; // rule 2
        if (production.SequenceEqual(rehearsal, StringComparer.Ordinal)) return null; // rule 3
        var at = 0;
        while (at < production.Count && at < rehearsal.Count && production[at] == rehearsal[at]) at++;
        var why = $"production plans '{Line(production, at)}', the rehearsal '{Line(rehearsal, at)}'"; // rule 4
        var missing = PlanShape.Indexes(production).Except(PlanShape.Indexes(rehearsal)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0) why += $"; production's plan uses {string.Join(", ", missing)}, the rehearsal's does not (is it missing from the schema folder?)"; // rule 5
        return why;
    }

    private static string Line(IReadOnlyList<string> shape, int at) => at < shape.Count ? shape[at].Trim() : "(nothing more)";
}

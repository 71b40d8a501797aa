using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Journal;

/// <summary>Each phase's predicted duration at production size beside the one Promote measured, so the rehearsal's
/// predictions can be checked against what happened.</summary>
public interface IPhaseDurations
{
    /// <summary>What <paramref name="phase"/> took in this run; <paramref name="resumed"/> when an earlier run had started it
    /// (the figure then covers only this run's part).</summary>
    Task RecordActualAsync(MigrationPlan plan, MigrationPhase phase, TimeSpan actual, bool resumed, CancellationToken cancellationToken);

    /// <summary>Every recorded phase of every plan hash, latest rehearsal first.</summary>
    Task<IReadOnlyList<PhaseDuration>> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>One phase of one plan hash: predicted, actual, or both.</summary>
/// <param name="Basis">How the rehearsal scaled each piece of the phase's work.</param>
public sealed record PhaseDuration(string PlanId, string PlanHash, string Phase, TimeSpan? Predicted, string? Basis, TimeSpan? Actual, bool Resumed,
    DateTimeOffset? RanAt)
{
    /// <summary>(actual - predicted) / actual, when both are known and the phase took any time.</summary>
    public double? Error => Predicted is { } p && Actual is { } a && a > TimeSpan.Zero ? (a - p) / a : null;

    /// <summary><c>predicted 1.2 s, took 1.0 s (prediction +20 %)</c>.</summary>
    public string Describe() =>
        $"predicted {Seconds(Predicted)}, took {Seconds(Actual)}"
        + (Error is { } e ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (prediction {-e * 100:+0;-0;0} %)") : "")
        + (Resumed ? ", this run's part of a resumed phase" : "");

    private static string Seconds(TimeSpan? span) => span is { } s ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.TotalSeconds:F1} s") : "-";
}

namespace Sluice.Rehearsal.Slo;

/// <summary>How one bound of a plan's <c>slo:</c> fared in a rehearsal.</summary>
public enum SloOutcome
{
    /// <summary>The prediction at production size stays within the bound.</summary>
    Within,
    /// <summary>It does not: the rehearsal fails.</summary>
    Exceeded,
    /// <summary>The rehearsal could not measure it (the finding says why).</summary>
    NotMeasured,
}

/// <summary>One bound of a plan's <c>slo:</c> as a rehearsal judged it for one phase: a row of the report's SLO table.</summary>
/// <param name="Slo">The key: <c>longest_write_block</c>, <c>longest_lock_hold</c> or <c>writer_p99_increase</c>.</param>
/// <param name="Unit"><c>ms</c> for the two durations, <c>x</c> for the factor.</param>
/// <param name="Bound">The plan's bound, in <paramref name="Unit"/>.</param>
/// <param name="Measured">What the rehearsal measured on its data, in <paramref name="Unit"/> (null when not measured).</param>
/// <param name="Predicted">Carried to production size (for the p99 factor the measured one: it is a ratio, not scaled).</param>
/// <param name="Rule">The row of <see cref="RehearsalSloJudge"/>'s table that decided.</param>
/// <param name="Evidence">What was seen, in a sentence.</param>
public sealed record RehearsalSloCheck(
    string Plan, string Phase, string Slo, string Unit, double Bound, double? Measured, double? Predicted, SloOutcome Outcome, string Rule, string Evidence);

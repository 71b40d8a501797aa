namespace Sluice.Canary.Analysis;

/// <summary>
/// One check of one metric in one step, with the numbers behind its verdict for the report: the samples each
/// version had, the canary's (and the baseline's) value, the limit, and for a comparison the test's figures.
/// </summary>
/// <param name="Metric">The metric's name in the definition, or the divergence check's.</param>
/// <param name="Source"><c>router</c>, <c>prometheus</c>, <c>database</c> or <c>divergence</c>.</param>
/// <param name="Check"><c>max</c>, <c>min</c>, <c>p95_max</c>, <c>p99_max</c>, <c>compare</c> or <c>parity</c>.</param>
/// <param name="Reason">One line a person reads: what was measured against what.</param>
/// <param name="DifferingKeys">For a divergence check: the keys (a sample) whose two sides disagree.</param>
public sealed record MetricJudgement(
    string Metric,
    string Source,
    string Check,
    Verdict Verdict,
    string Reason,
    long CanaryCount,
    long BaselineCount,
    double? CanaryValue,
    double? BaselineValue,
    double? Limit,
    ComparisonFigures? Comparison = null,
    IReadOnlyList<string>? DifferingKeys = null);

/// <summary>The figures of a baseline-against-canary comparison.</summary>
/// <param name="Alpha">The one-sided significance this comparison was held to after Holm's correction.</param>
/// <param name="AllowedShift">Tolerance times the baseline's median: a significant shift above it fails.</param>
public sealed record ComparisonFigures(double U, double P, double Alpha, bool Significant, double Shift, double ShiftLowerBound,
    double AllowedShift, double BaselineMedian, double CanaryMedian);

/// <summary>A step's measurement: every check, and the verdict they add up to.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Weight">The canary's traffic weight during it, percent.</param>
public sealed record StepAnalysis(int Step, int Weight, MetricWindow Window, Verdict Verdict, string Reason, IReadOnlyList<MetricJudgement> Judgements);

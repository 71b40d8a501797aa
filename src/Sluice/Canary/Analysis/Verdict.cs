namespace Sluice.Canary.Analysis;

/// <summary>What one measurement says. <see cref="Inconclusive"/> is too little data (never a pass, never a fail);
/// <see cref="Error"/> is a source that could not answer.</summary>
public enum Verdict
{
    Pass,
    Marginal,
    Fail,
    Inconclusive,
    Error,
}

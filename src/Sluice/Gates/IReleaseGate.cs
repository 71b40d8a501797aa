namespace Sluice.Gates;

/// <summary>One check a release must pass before it touches an environment. Gates only read.</summary>
public interface IReleaseGate
{
    /// <summary>The short name shown in the gate table (<c>snapshot</c>, <c>approvals</c>, ...).</summary>
    string Name { get; }

    Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken);
}

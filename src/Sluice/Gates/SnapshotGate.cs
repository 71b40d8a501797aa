using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>A verified snapshot of the environment younger than <c>maxAge</c> exists, so an irreversible step has a way back.</summary>
/// <param name="why">Why the gate applies where it otherwise would not (irreversible phases), shown with its evidence.</param>
public sealed class SnapshotGate(IVerifiedSnapshotSource snapshots, TimeSpan maxAge, bool blocking, string? why = null) : IReleaseGate
{
    public string Name => "snapshot";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var remedy = $"take and verify a snapshot: ./build.sh Snapshot VerifySnapshot --env {context.Environment}";
        var verified = await snapshots.LatestVerifiedAsync(context.Environment, cancellationToken);
        var prefix = why is null ? "" : $"{why}; ";
        if (verified is null) return Verdict($"{prefix}no verified snapshot exists", remedy);
        var age = context.Now - verified.Value;
        return age <= maxAge
            ? GateResult.Pass(Name, $"{prefix}verified {Durations.Format(age)} ago (limit {Durations.Format(maxAge)})")
            : Verdict($"{prefix}the latest verified snapshot is {Durations.Format(age)} old (limit {Durations.Format(maxAge)})", remedy);
    }

    private GateResult Verdict(string evidence, string remedy) =>
        blocking ? GateResult.Fail(Name, evidence, remedy) : GateResult.Warn(Name, evidence, remedy);
}

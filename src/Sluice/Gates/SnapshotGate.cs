using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>A verified snapshot of the environment younger than <c>maxAge</c> exists, so an irreversible step has a way back.</summary>
public sealed class SnapshotGate(IVerifiedSnapshotSource snapshots, TimeSpan maxAge, bool blocking) : IReleaseGate
{
    public string Name => "snapshot";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var remedy = $"take and verify a snapshot: ./build.sh Snapshot VerifySnapshot --env {context.Environment}";
        var verified = await snapshots.LatestVerifiedAsync(context.Environment, cancellationToken);
        if (verified is null) return Verdict("no verified snapshot exists", remedy);
        var age = context.Now - verified.Value;
        return age <= maxAge
            ? GateResult.Pass(Name, $"verified {Durations.Format(age)} ago (limit {Durations.Format(maxAge)})")
            : Verdict($"the latest verified snapshot is {Durations.Format(age)} old (limit {Durations.Format(maxAge)})", remedy);
    }

    private GateResult Verdict(string evidence, string remedy) =>
        blocking ? GateResult.Fail(Name, evidence, remedy) : GateResult.Warn(Name, evidence, remedy);
}

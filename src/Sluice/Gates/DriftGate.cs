namespace Sluice.Gates;

/// <summary>The live schema is the one the journal expects: nobody changed it by hand since the last release
/// transition. A plan written against a schema that is not there fails in ways no rehearsal saw.</summary>
public sealed class DriftGate(ISchemaExpectations expectations) : IReleaseGate
{
    private const int Shown = 5;

    public string Name => "schema_drift";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var drift = await expectations.ReadAsync(context.Environment, cancellationToken);
        if (drift.ExpectedHash is null)
            return GateResult.Pass(Name, $"no expectation recorded yet (schema {drift.LiveHash[..12]}); Promote and Rollback record one");
        if (drift.ExpectedHash == drift.LiveHash)
            return GateResult.Pass(Name, $"schema {drift.LiveHash[..12]} as recorded {drift.RecordedAt:yyyy-MM-dd HH:mm}Z");
        var listed = string.Join(", ", drift.Differences.Take(Shown)) + (drift.Differences.Count > Shown ? $" and {drift.Differences.Count - Shown} more" : "");
        if (drift.JournalMovedSince)
            return GateResult.Warn(Name, $"schema changed since {drift.RecordedAt:yyyy-MM-dd HH:mm}Z by phases run outside Promote: {listed}",
                "release through Promote so the expectation stays current");
        return GateResult.Fail(Name, $"schema differs from the one recorded {drift.RecordedAt:yyyy-MM-dd HH:mm}Z with no migration since: {listed}",
            $"find who changed the schema by hand; revert it, or capture it in a migration plan and promote that; or, when the live schema is meant to stay (an adopted database), accept it: ./build.sh AcceptSchema --env {context.Environment} --reason WHY");
    }
}

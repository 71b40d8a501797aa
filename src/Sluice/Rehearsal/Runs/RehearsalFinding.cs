namespace Sluice.Rehearsal.Runs;

public enum FindingSeverity
{
    Info,
    Warning,
    /// <summary>Fails the rehearsal (exit 1).</summary>
    Error,
}

/// <summary>Something a rehearsal or the static checks found, with where it is and the safe way to write it.</summary>
/// <param name="Rule">A short stable name: <c>not-idempotent</c>, <c>table-rewrite</c>, <c>blocks-writers</c>, ...</param>
/// <param name="Plan">The plan id, when it concerns one.</param>
/// <param name="Phase">The phase name, when it concerns one.</param>
/// <param name="File">The SQL file.</param>
/// <param name="Line">The line of the statement in that file.</param>
/// <param name="Statement">The statement's first line.</param>
/// <param name="Seed">The workload seed of the run that found it, when it came from a run (replays it).</param>
/// <param name="Code">The lint rule's code (docs/lint.md) when a rule of the shared set, or a lock judged, found it;
/// the SLO's code when a bound of the plan's <c>slo:</c> is exceeded (<see cref="Slo.RehearsalSloJudge"/>).</param>
public sealed record RehearsalFinding(
    FindingSeverity Severity,
    string Rule,
    string Message,
    string? Remedy = null,
    string? Plan = null,
    string? Phase = null,
    string? File = null,
    int? Line = null,
    string? Statement = null,
    int? Seed = null,
    string? Code = null)
{
    public string Where => File is null ? "" : Line is null ? File : $"{File}:{Line}";
}

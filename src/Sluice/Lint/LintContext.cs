using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint;

/// <summary>What the rehearsal judges with: the service's lint settings, the profile, and the static findings of the
/// same plans (so an observed lock carries the code of the rule that names its statement).</summary>
public sealed record LintContext(LintSettings Settings, DataProfile? Profile, IReadOnlyList<LintFinding> Findings)
{
    public static LintContext None { get; } = new(LintSettings.Default, null, []);

    /// <summary>The code of the lock rule that names the statement at this line, when one does.</summary>
    public string? LockCodeAt(string plan, string? file, int line) => LockFindingAt(plan, file, line)?.Code;

    /// <summary>That rule's recipe, written for the statement.</summary>
    public string? LockRecipeAt(string plan, string? file, int line) => LockFindingAt(plan, file, line)?.Recipe;

    private LintFinding? LockFindingAt(string plan, string? file, int line) =>
        Findings.FirstOrDefault(f => f.Plan == plan && f.File == file && f.Line == line && LintRules.ByCode(f.Code).Group == LintGroup.Locks);

    /// <summary>The static findings as rehearsal findings. They are at most warnings there: the rehearsal's own
    /// measurements decide its verdict, and the lint gate blocks on the same findings' errors.</summary>
    public IReadOnlyList<RehearsalFinding> AsRehearsalFindings(Func<string, string> planFolder) =>
        [.. Findings.Select(f => new RehearsalFinding(f.Severity == FindingSeverity.Error ? FindingSeverity.Warning : f.Severity, f.Rule, f.Message, f.Recipe,
            f.Plan, f.Phase, Path.Combine(planFolder(f.Plan), f.File), f.Line, f.Statement, null, f.Code))];
}

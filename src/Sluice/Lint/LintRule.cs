using Sluice.Rehearsal.Runs;

namespace Sluice.Lint;

/// <summary>What a rule is about (the sections of docs/lint.md).</summary>
public enum LintGroup
{
    /// <summary>Locks and rewrites: weighted by the table's rows and activity.</summary>
    Locks,
    /// <summary>What breaks clients still running the old code.</summary>
    Compatibility,
    /// <summary>Type choices that are cheap now and expensive to change later.</summary>
    Types,
    /// <summary>Robustness and limits.</summary>
    Robustness,
}

/// <summary>One rule of <see cref="LintRules"/>.</summary>
/// <param name="Code">Its SLU code (in findings, in sluice.yaml, in suppression comments).</param>
/// <param name="Name">Its name (also accepted wherever the code is).</param>
/// <param name="Default">Its severity where the data says nothing (no profile, or a rule that is not weighted); null: off unless a service turns it on.</param>
/// <param name="Weighted">True when the severity follows the table's rows and activity (<see cref="LockWeight"/>).</param>
public sealed record LintRule(string Code, string Name, LintGroup Group, FindingSeverity? Default, bool Weighted, string Summary);

/// <summary>What a rule saw in one statement.</summary>
/// <param name="Table">The table it locks, for the weighting (null when the statement names none).</param>
/// <param name="Severity">A severity the rule decided from the statement itself (the phase kind), instead of the default.</param>
public sealed record LintHit(string Code, string Message, string Recipe, string? Table = null, FindingSeverity? Severity = null);

/// <summary>A finding of the lint: the rule, where, how bad and what to write instead.</summary>
/// <param name="File">The SQL file, relative to the plan folder (or <c>plan.yaml</c> for a phase's settings).</param>
/// <param name="Allowed">The reason a <c>-- sluice-ignore</c> comment gave; the finding is then information only.</param>
public sealed record LintFinding(string Code, string Rule, FindingSeverity Severity, string Plan, string Phase, string File, int Line,
    string Statement, string Message, string Recipe, string? Allowed = null)
{
    public string Location => $"{File}:{Line}";
}

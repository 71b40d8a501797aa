using Sluice.Lint;
using Sluice.Lint.Parser;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Gates;

public enum HintSeverity
{
    Warning,
    Error,
    /// <summary>Shown, never blocks: a lock on an empty idle table, a finding a statement's comment allows.</summary>
    Info,
}

/// <summary>A finding of static analysis in a plan's SQL: an error blocks a release, a warning is shown.</summary>
/// <param name="File">The SQL file, relative to the plan folder.</param>
/// <param name="Line">The line of the statement in <paramref name="File"/>, when the finding is about one statement.</param>
/// <param name="Code">The lint rule's code (docs/lint.md).</param>
public sealed record PlanHint(string PlanId, string Phase, HintSeverity Severity, string Message, string File, int? Line = null, string? Code = null)
{
    /// <summary><c>05_drop.up.sql:3</c>, or the file alone.</summary>
    public string Location => Line is { } line ? $"{File}:{line}" : File;
}

/// <summary>Static analysis of plans before they run.</summary>
public interface IPlanHintSource
{
    Task<IReadOnlyList<PlanHint>> ReadAsync(IReadOnlyList<MigrationPlan> plans, CancellationToken cancellationToken);
}

/// <summary>
/// The lint gate's reading of the plans: the shared rule set (<see cref="LintRules"/>, run by <see cref="Linter"/> with
/// PostgreSQL's own grammar) with the service's sluice.yaml settings and, when the environment has one, its data
/// profile (<c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c>) to weigh locks by the table's rows and activity.
/// Lint, this gate and the rehearsal report the same findings for the same plan.
/// </summary>
public sealed class BuiltInPlanHints(ISqlParser? parser = null, string? environment = null) : IPlanHintSource
{
    public async Task<IReadOnlyList<PlanHint>> ReadAsync(IReadOnlyList<MigrationPlan> plans, CancellationToken cancellationToken) =>
        [.. (await FindingsAsync(plans, cancellationToken)).Select(f => new PlanHint(f.Plan, f.Phase,
            f.Severity switch { FindingSeverity.Error => HintSeverity.Error, FindingSeverity.Warning => HintSeverity.Warning, _ => HintSeverity.Info },
            $"{f.Message} [{f.Code}]: {f.Recipe}", f.File, f.Line, f.Code))];

    /// <summary>The findings as the rule set gives them.</summary>
    public async Task<IReadOnlyList<LintFinding>> FindingsAsync(IReadOnlyList<MigrationPlan> plans, CancellationToken cancellationToken)
    {
        if (plans.Count == 0) return [];
        var serviceFolder = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(plans[0].Folder)))!;
        var profilePath = environment is null ? null : ProfileFile.DefaultPath(serviceFolder, environment);
        var profile = profilePath is not null && File.Exists(profilePath) ? await ProfileFile.ReadAsync(profilePath, cancellationToken) : null;
        return await new Linter(parser ?? new PgQueryParser()).LintAsync(plans, LintSettings.Load(serviceFolder), profile, cancellationToken);
    }
}

using Sluice.Errors;
using Sluice.Lint.Parser;
using Sluice.Lint.Rules;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint;

/// <summary>
/// Runs <see cref="LintRules"/> over plans: every phase's <c>up</c> parsed at once by PostgreSQL's grammar (a statement
/// that does not parse is SLU161 before any rule runs), each statement read with what the plan did before it, each
/// hit levelled by the service's settings, the table's weight in the profile and the statement's own comments.
/// Lint, the lint gate and the rehearsal all call this, so they report the same findings.
/// </summary>
public sealed class Linter(ISqlParser parser)
{
    private static readonly HashSet<string> SchemaChanges =
        ["AlterTableStmt", "CreateStmt", "IndexStmt", "DropStmt", "RenameStmt", "AlterDomainStmt", "CreateDomainStmt", "AlterEnumStmt", "ReindexStmt", "ClusterStmt", "VacuumStmt", "ViewStmt", "TruncateStmt"];

    public async Task<IReadOnlyList<LintFinding>> LintAsync(IReadOnlyList<MigrationPlan> plans, LintSettings settings, DataProfile? profile, CancellationToken cancellationToken)
    {
        var phases = plans.SelectMany(p => p.Phases.OfType<ScriptPhase>().Select(f => (Plan: p, Phase: f))).ToList();
        var parsed = await parser.ParseAsync([.. phases.Select(p => p.Phase.Up)], cancellationToken);
        var findings = new List<LintFinding>();
        var byPhase = phases.Select((p, i) => (p, Script: parsed[i])).ToDictionary(x => (x.p.Plan.Id, x.p.Phase.Name), x => x.Script);
        foreach (var plan in plans)
        {
            var scope = new PlanScope();
            foreach (var phase in plan.Phases)
                if (byPhase.TryGetValue((plan.Id, phase.Name), out var script))
                    findings.AddRange(Phase(plan, phase, script, scope, settings, profile));
            foreach (var change in DataChanges.Of(plan).Where(c => !c.Phase.Irreversible && !DataChanges.RestoredByDown(c)))
                Add(findings, new LintHit(ErrorCodes.DataNotRestorable,
                        $"'{change.What}' destroys data that {(change.Phase.Down is { } down ? $"its down ({down.FileName}) does not bring back" : "no down brings back")}",
                        $"mark phase '{change.Phase.Name}' 'irreversible: true' (Promote then requires a verified snapshot), or make its down {change.Restore}"),
                    plan, change.Phase, change.Statement.Script.FileName, change.Statement.Line, change.Statement.Head, settings, profile, new Dictionary<string, string>());
        }
        return findings;
    }

    private static List<LintFinding> Phase(MigrationPlan plan, MigrationPhase phase, ParsedScript script, PlanScope scope, LintSettings settings, DataProfile? profile)
    {
        var findings = new List<LintFinding>();
        var inBlock = false;
        bool setsLockTimeout = false, setsStatementTimeout = false, changesSchema = false;
        foreach (var statement in script.Statements)
        {
            var allowed = Suppressions.Of(statement, script.Script.Path);
            var node = statement.Node;
            switch (statement.Kind)
            {
                case "TransactionStmt":
                    inBlock = node.Str("kind") is "TRANS_STMT_BEGIN" or "TRANS_STMT_START" || (inBlock && node.Str("kind") is not ("TRANS_STMT_COMMIT" or "TRANS_STMT_ROLLBACK"));
                    break;
                case "VariableSetStmt":
                    setsLockTimeout |= node.Str("name") == "lock_timeout";
                    setsStatementTimeout |= node.Str("name") == "statement_timeout";
                    break;
            }
            changesSchema |= SchemaChanges.Contains(statement.Kind);
            var context = new StatementContext(plan, phase, statement, phase.Transactional || inBlock, scope);
            foreach (var hit in LockRules.Check(context).Concat(CompatibilityRules.Check(context)).Concat(TypeRules.Check(context)).Concat(RobustnessRules.Check(context)))
                Add(findings, hit, plan, phase, script.Script.FileName, statement.Line, statement.Head, settings, profile, allowed);
            Remember(statement, scope);
        }
        if (changesSchema && phase.StatementTimeout is null && !setsStatementTimeout)
            Add(findings, new LintHit(ErrorCodes.LintNoStatementTimeout, $"phase {phase.Name} changes the schema with no statement_timeout: a statement that runs long holds its locks for as long as it runs",
                "set statement_timeout on the phase in plan.yaml (e.g. statement_timeout: 30s), or SET statement_timeout at the top of the script"),
                plan, phase, "plan.yaml", phase.Line, phase.Name, settings, profile, new Dictionary<string, string>());
        if (changesSchema && !setsLockTimeout && !PlanYaml.PhaseSetsLockTimeout(plan, phase))
            Add(findings, new LintHit(ErrorCodes.LintDefaultLockTimeout, $"phase {phase.Name} changes the schema and relies on the default lock_timeout ({MigrationPhase.DefaultLockTimeout.TotalSeconds:F0}s)",
                "set lock_timeout (and retries) on the phase so a long-running query makes it wait briefly and retry instead of queueing every other session behind it"),
                plan, phase, "plan.yaml", phase.Line, phase.Name, settings, profile, new Dictionary<string, string>());
        return findings;
    }

    // What later statements of the plan need to know: tables it created, columns it added, tables it validated a constraint on.
    private static void Remember(ParsedStatement statement, PlanScope scope)
    {
        var node = statement.Node;
        if (statement.Kind is "CreateStmt" && node.Field("relation") is { } created) scope.CreatedTables.Add(created.Table());
        if (statement.Kind is "CreateTableAsStmt" && node.Field("into")?.Field("rel") is { } into) scope.CreatedTables.Add(into.Table());
        if (statement.Kind is not "AlterTableStmt" || node.Field("relation") is not { } relation) return;
        foreach (var cmd in node.List("cmds").Select(x => x.As("AlterTableCmd")).OfType<System.Text.Json.JsonElement>())
        {
            if (cmd.Str("subtype") == "AT_ValidateConstraint") scope.ValidatedTables.Add(relation.Table());
            if (cmd.Str("subtype") == "AT_AddColumn" && cmd.Field("def")?.As("ColumnDef")?.Str("colname") is { } column) scope.AddedColumns.Add((relation.Table(), column));
        }
    }

    private static void Add(List<LintFinding> findings, LintHit hit, MigrationPlan plan, MigrationPhase phase, string file, int line, string statement,
        LintSettings settings, DataProfile? profile, IReadOnlyDictionary<string, string> allowed)
    {
        var rule = LintRules.ByCode(hit.Code);
        if (!settings.Enabled(rule)) return;
        var weighted = hit.Severity ?? (rule.Weighted && hit.Table is { } table ? LockWeight.Of(table, rule.Default ?? FindingSeverity.Warning, profile, settings) : rule.Default);
        var severity = settings.Level(rule, weighted) ?? FindingSeverity.Info;
        var message = rule.Weighted && hit.Table is { } weighed && profile is not null ? $"{hit.Message} ({weighed}: {LockWeight.Describe(weighed, profile)})" : hit.Message;
        var reason = allowed.GetValueOrDefault(rule.Code);
        findings.Add(new LintFinding(rule.Code, rule.Name, reason is null ? severity : FindingSeverity.Info, plan.Id, phase.Name, file, line, statement,
            reason is null ? message : $"{message} (allowed: {reason})", hit.Recipe, reason));
    }
}

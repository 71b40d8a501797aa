using Sluice.Lint.Parser;
using Sluice.Migrations.Plans;

namespace Sluice.Lint;

/// <summary>What the plan did before the statement being read: the tables it created, the tables it validated a constraint on.</summary>
public sealed class PlanScope
{
    public HashSet<string> CreatedTables { get; } = new(StringComparer.Ordinal);
    public HashSet<(string Table, string Column)> AddedColumns { get; } = [];
    public HashSet<string> ValidatedTables { get; } = new(StringComparer.Ordinal);
}

/// <summary>One statement as a rule sees it.</summary>
/// <param name="InTransaction">True when it runs inside a transaction block: a transactional phase, or between BEGIN and COMMIT.</param>
public sealed record StatementContext(MigrationPlan Plan, MigrationPhase Phase, ParsedStatement Statement, bool InTransaction, PlanScope Scope)
{
    /// <summary>A table the plan itself created earlier: nobody reads or writes it yet, so its locks block nobody.</summary>
    public bool IsNew(string table) => Scope.CreatedTables.Contains(table);

    public bool Contract => Phase.Kind == PhaseKind.Contract;

    /// <summary>"an expand phase", "a switch phase", for messages.</summary>
    public string PhaseWords => Phase.Kind == PhaseKind.Expand ? "an expand phase" : $"a {Phase.Kind.ToString().ToLowerInvariant()} phase";
}

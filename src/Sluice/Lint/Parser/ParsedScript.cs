using System.Text.Json;
using Sluice.Migrations.Plans;

namespace Sluice.Lint.Parser;

/// <summary>One statement as PostgreSQL's grammar reads it.</summary>
/// <param name="Line">The 1-based line of the file where its code starts (past the comments that lead into it).</param>
/// <param name="Text">The statement's code, without its semicolon.</param>
/// <param name="Lead">The text between the previous statement and this one's code: where its suppression comments stand.</param>
/// <param name="Tree">The parse tree: one object whose single property names the node (<c>IndexStmt</c>, <c>AlterTableStmt</c>, ...).</param>
public sealed record ParsedStatement(int Line, string Text, string Lead, JsonElement Tree)
{
    /// <summary>The node's kind: <c>IndexStmt</c>, <c>AlterTableStmt</c>, ...</summary>
    public string Kind => Tree.EnumerateObject().First().Name;

    /// <summary>The node's fields.</summary>
    public JsonElement Node => Tree.EnumerateObject().First().Value;

    /// <summary>The first line of the statement, for messages.</summary>
    public string Head => Text.Split('\n')[0].Trim();
}

/// <summary>A script of a plan, parsed: its statements in order.</summary>
public sealed record ParsedScript(PlanScript Script, IReadOnlyList<ParsedStatement> Statements);

/// <summary>Reads SQL with PostgreSQL's own grammar.</summary>
public interface ISqlParser
{
    /// <summary>Parses every script at once; a script that does not parse raises <c>SLU161</c> with its file and line.</summary>
    Task<IReadOnlyList<ParsedScript>> ParseAsync(IReadOnlyList<PlanScript> scripts, CancellationToken cancellationToken);
}

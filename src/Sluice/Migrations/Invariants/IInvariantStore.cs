namespace Sluice.Migrations.Invariants;

/// <summary>One evaluation of an invariant, as journaled.</summary>
/// <param name="Checkpoint"><c>before</c> (the plan's first phase) or <c>after &lt;phase&gt;</c>.</param>
/// <param name="Value">What its SQL returned, as text (<c>null</c> for NULL).</param>
public sealed record InvariantCheck(string PlanId, string Checkpoint, string Invariant, string Value, bool Passed, string Detail);

/// <summary>Where invariants are evaluated and their checks journaled: the target database.</summary>
public interface IInvariantStore
{
    /// <summary>The first column of the first row the SQL returns, as text; <c>null</c> for NULL or no row. Throws
    /// <see cref="InvariantQueryFailedException"/> when the database refuses the SQL (a missing table, a syntax error).</summary>
    Task<string> EvaluateAsync(string sql, CancellationToken cancellationToken);

    Task RecordAsync(InvariantCheck check, CancellationToken cancellationToken);

    /// <summary>The value journaled before the plan's first phase, latest first; null when none was.</summary>
    Task<string?> BeforeValueAsync(string planId, string invariant, CancellationToken cancellationToken);

    /// <summary>The value the last successful release of the environment left: the latest passing check of the
    /// invariant by the plan that completed last (other than <paramref name="planId"/>); null when no completed plan
    /// checked it.</summary>
    Task<ReleasedValue?> LastReleaseValueAsync(string planId, string invariant, CancellationToken cancellationToken);
}

/// <summary>An invariant's value as a completed plan left it.</summary>
public sealed record ReleasedValue(string PlanId, string Value, DateTimeOffset At);

/// <summary>The database refused an invariant's SQL; the message says why (with its SQLSTATE).</summary>
public sealed class InvariantQueryFailedException(string message, Exception? inner = null) : Exception(message, inner);

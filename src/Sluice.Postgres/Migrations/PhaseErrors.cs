using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Postgres.Migrations;

/// <summary>Turns PostgreSQL's errors during a phase into what the runner acts on: a retryable lock timeout or a failure
/// naming the file and line of the statement that failed.</summary>
internal static class PhaseErrors
{
    public static Exception Translate(PostgresException e, MigrationPlan plan, MigrationPhase phase, PlanScript? script, int? statementOffset = null)
    {
        if (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            return new LockTimeoutException($"{e.MessageText} (lock_timeout {Durations.Format(phase.LockTimeout)})", e);
        int? line = script is not null && e.Position > 0 ? LineAt(script.Sql, (statementOffset ?? 0) + e.Position - 1) : null;
        var remedy = e.SqlState == PostgresErrorCodes.QueryCanceled
            ? "the statement ran into statement_timeout: raise it for this phase, or split the work (a backfill phase batches it)"
            : "fix the SQL in a new plan (an applied plan must not change) or fix the data it trips on, then run again";
        return new SluiceException(ErrorKind.Failure, LeaseErrorCodes.PhaseFailed,
            $"phase '{phase.Name}' of plan '{plan.Id}' failed: {e.SqlState}: {e.MessageText}{(e.Detail is null ? "" : $" ({e.Detail})")}",
            remedy, script?.Path ?? plan.PlanFile, line ?? phase.Line, e);
    }

    private static int LineAt(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        for (var i = 0; i < offset; i++) if (text[i] == '\n') line++;
        return line;
    }
}

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
    /// <param name="emptyDatabase">The database's name when it holds no table at all (the cause of an undefined table there).</param>
    public static Exception Translate(PostgresException e, MigrationPlan plan, MigrationPhase phase, PlanScript? script, SqlStatement? statement = null,
        string? emptyDatabase = null)
    {
        if (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            return new LockTimeoutException($"{e.MessageText} (lock_timeout {Durations.Format(phase.LockTimeout)})", e);
        if (emptyDatabase is not null)
            return new SluiceException(ErrorKind.Failure, ErrorCodes.PhaseFailed,
                $"phase '{phase.Name}' of plan '{plan.Id}' failed: {e.SqlState}: {e.MessageText}: no tables in database '{emptyDatabase}', its schema was never loaded",
                "load the service's schema first: on a local environment ./build.sh SeedSchema --env local loads pipelines/<service>/schema/*.sql "
                + "(Promote runs it first); elsewhere restore the schema, then adopt it with ./build.sh AcceptSchema --reason WHY",
                script?.Path ?? plan.PlanFile, Line(e, phase, script, statement), e);
        var remedy = e.SqlState == PostgresErrorCodes.QueryCanceled
            ? "the statement ran into statement_timeout: raise it for this phase, or split the work (a backfill phase batches it)"
            : "fix the SQL in a new plan (an applied plan must not change) or fix the data it trips on, then run again";
        return new SluiceException(ErrorKind.Failure, ErrorCodes.PhaseFailed,
            $"phase '{phase.Name}' of plan '{plan.Id}' failed: {e.SqlState}: {e.MessageText}{(e.Detail is null ? "" : $" ({e.Detail})")}",
            remedy, script?.Path ?? plan.PlanFile, Line(e, phase, script, statement), e);
    }

    /// <summary>The line in the SQL file: where the server's position falls inside the statement, else the statement's
    /// own line. A script sent whole (a backfill batch) counts as one statement starting at its first line of code. The
    /// phase's line in plan.yaml only when no script is involved.</summary>
    private static int Line(PostgresException e, MigrationPhase phase, PlanScript? script, SqlStatement? statement)
    {
        if (statement is null && script is not null)
            statement = new SqlStatement(script.Sql, 0, 1, SqlStatements.Parse(script.Sql).FirstOrDefault()?.Line ?? 1, script.Sql);
        return statement?.LineAt(e.Position) ?? phase.Line;
    }
}

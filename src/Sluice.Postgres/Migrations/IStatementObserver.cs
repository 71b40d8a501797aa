using Npgsql;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Postgres.Migrations;

/// <summary>One statement of a phase's script as <see cref="PostgresPhaseExecutor"/> sends it: on
/// <paramref name="Connection"/>, inside <paramref name="Transaction"/> when the phase is transactional.</summary>
internal sealed record PhaseStatement(NpgsqlConnection Connection, NpgsqlTransaction? Transaction, MigrationPlan Plan, MigrationPhase Phase,
    PlanScript Script, SqlStatement Statement);

/// <summary>
/// Watches a phase's statements from the connection that runs them: before each is sent, and after it returned and
/// left the phase's transaction as it found it. The rehearsal reads its exact locks and table rewrites here, so that
/// what it judges ran through the very loop, timeouts and retries that Promote runs. What an observer sends on that
/// connection runs inside the phase's transaction: it must only read. An exception from it fails the phase.
/// </summary>
internal interface IStatementObserver
{
    Task BeforeAsync(PhaseStatement statement, CancellationToken cancellationToken);

    /// <param name="duration">The statement's own time, from sending it to its result.</param>
    Task AfterAsync(PhaseStatement statement, TimeSpan duration, CancellationToken cancellationToken);
}

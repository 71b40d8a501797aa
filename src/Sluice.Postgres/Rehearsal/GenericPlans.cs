using Npgsql;
using Sluice.Rehearsal.Traffic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The generic plan of a normalised statement (<c>$1</c> placeholders), as a cached prepared statement gets it:
/// <c>PREPARE</c>, then <c>EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE</c> with NULLs under <c>plan_cache_mode =
/// force_generic_plan</c>, so the plan never depends on a value (PostgreSQL 14 and 15 have no <c>EXPLAIN (GENERIC_PLAN)</c>).
/// Nothing is executed. Used by the profile on production and by the rehearsal on synthetic data, so both read plans alike.
/// </summary>
internal static class GenericPlans
{
    private const string Name = "sluice_generic_plan";

    /// <param name="Shape">The plan's shape (<see cref="PlanShape"/>), null when the statement did not plan.</param>
    /// <param name="Error">The server's reason when it did not.</param>
    /// <param name="ParameterTypes">The types PostgreSQL inferred for <c>$1</c>, <c>$2</c>, ... (<c>regtype</c> text).</param>
    public sealed record Explained(IReadOnlyList<string>? Shape, string? Error, IReadOnlyList<string> ParameterTypes);

    public static async Task<Explained> ExplainAsync(NpgsqlConnection connection, string query, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // Planning an UPDATE or DELETE takes a lock on its table: behind a migration's ACCESS EXCLUSIVE the profile
            // gives up on that statement (not explained) rather than wait, and never queues other sessions behind it for long.
            await ExecuteAsync(connection, "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL lock_timeout = '1s'; SET LOCAL statement_timeout = '10s'", cancellationToken);
            await ExecuteAsync(connection, $"PREPARE {Name} AS {query}", cancellationToken);
            string[] types;
            await using (var command = new NpgsqlCommand($"SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = '{Name}'", connection))
                types = (string[])(await command.ExecuteScalarAsync(cancellationToken))!;
            var arguments = types.Length == 0 ? "" : $"({string.Join(", ", types.Select(_ => "NULL"))})";
            string json;
            await using (var command = new NpgsqlCommand($"EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE {Name}{arguments}", connection))
                json = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new Explained(PlanShape.FromExplainJson(json), null, types);
        }
        catch (PostgresException e)
        {
            return new Explained(null, $"{e.MessageText} ({e.SqlState})", []);
        }
        finally
        {
            await transaction.RollbackAsync(cancellationToken);
            // A prepared statement outlives the transaction that made it.
            await using var left = new NpgsqlCommand($"SELECT count(*) FROM pg_prepared_statements WHERE name = '{Name}'", connection);
            if ((long)(await left.ExecuteScalarAsync(cancellationToken))! > 0) await ExecuteAsync(connection, $"DEALLOCATE {Name}", cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using System.Text.RegularExpressions;
using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Traffic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Reads a database's statement mix from <c>pg_stat_statements</c> for the profile: normalised statement shapes
/// (constants already <c>$1</c>), calls, mean time and rows, over a window (two readings apart, or since the view's
/// <c>stats_reset</c>), with each statement's generic plan (<see cref="GenericPlans"/>). Only reads, selects, inserts,
/// updates, deletes and merges whose plan touches a profiled table are kept, the most called first. A database where the
/// view is missing, not preloaded or not readable gives a mix that says why, never a failed profile.
/// </summary>
internal static partial class StatementMixReader
{
    private sealed record Reading(string Id, string Query, long Calls, double TotalMilliseconds, long Rows);

    public static async Task<StatementMix> ReadAsync(NpgsqlConnection connection, IReadOnlySet<string> tables, TimeSpan window, int top,
        CancellationToken cancellationToken)
    {
        string? schema;
        await using (var find = new NpgsqlCommand(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'", connection))
            schema = (string?)await find.ExecuteScalarAsync(cancellationToken);
        if (schema is null)
            return StatementMix.Missing($"pg_stat_statements is not installed in database {connection.Database} (CREATE EXTENSION pg_stat_statements, with shared_preload_libraries = 'pg_stat_statements')");
        var view = Sql.Qualified(schema, "pg_stat_statements");

        Dictionary<string, Reading> first;
        try
        {
            first = await ReadingAsync(connection, view, cancellationToken);
        }
        catch (PostgresException e)
        {
            return StatementMix.Missing($"pg_stat_statements cannot be read: {e.MessageText} ({e.SqlState})");
        }
        if (first.Count > 0 && first.Values.All(r => r.Query == "<insufficient privilege>"))
            return StatementMix.Missing("pg_stat_statements shows the profiling role no statement text (grant it pg_read_all_stats)");

        IEnumerable<Reading> counted;
        double seconds;
        string from;
        if (window > TimeSpan.Zero)
        {
            await Task.Delay(window, cancellationToken);
            var second = await ReadingAsync(connection, view, cancellationToken);
            counted = second.Values.Select(r => first.TryGetValue(r.Id, out var before)
                ? r with { Calls = r.Calls - before.Calls, TotalMilliseconds = r.TotalMilliseconds - before.TotalMilliseconds, Rows = r.Rows - before.Rows }
                : r);
            (seconds, from) = (window.TotalSeconds, StatementMix.FromReadings);
        }
        else
        {
            await using var reset = new NpgsqlCommand(
                $"SELECT greatest(0.001, extract(epoch FROM now() - stats_reset))::float8 FROM {Sql.Qualified(schema, "pg_stat_statements_info")}", connection);
            (counted, seconds, from) = (first.Values, (double)(await reset.ExecuteScalarAsync(cancellationToken))!, StatementMix.FromStatsReset);
        }

        var statements = new List<StatementShape>();
        foreach (var reading in counted.Where(r => r.Calls > 0 && Replayable().IsMatch(r.Query))
                     .OrderByDescending(r => r.Calls).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            if (statements.Count >= top) break;
            var explained = await GenericPlans.ExplainAsync(connection, reading.Query, cancellationToken);
            var touched = explained.Shape is null ? [] : PlanShape.Relations(explained.Shape).Where(tables.Contains).Order(StringComparer.Ordinal).ToList();
            if (touched.Count == 0) continue;
            statements.Add(new StatementShape(reading.Id, reading.Query, touched, reading.Calls,
                Math.Round(reading.TotalMilliseconds / reading.Calls, 4), reading.Rows, Math.Round(reading.Calls / seconds, 4), explained.Shape));
        }
        return new StatementMix(true, null, Math.Round(seconds, 3), from, statements);
    }

    // One row per statement of this database: the view keeps one per user and nesting level.
    private static async Task<Dictionary<string, Reading>> ReadingAsync(NpgsqlConnection connection, string view, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT queryid::text, min(query), sum(calls)::int8, sum(total_exec_time)::float8, sum(rows)::int8
            FROM {view}
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid IS NOT NULL
            GROUP BY queryid
            """, connection);
        var result = new Dictionary<string, Reading>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = new Reading(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4));
        return result;
    }

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Replayable();
}

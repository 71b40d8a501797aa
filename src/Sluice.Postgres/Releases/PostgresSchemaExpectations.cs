using System.Text.Json;
using Npgsql;
using Sluice.Fingerprints;
using Sluice.Gates;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Releases;

/// <summary>
/// Schema expectations in <c>sluice.schema_expectations</c>: the normalised schema fingerprint (schema <c>sluice</c>
/// excluded) after each release transition, with the journal's last plan event at that moment, so a later Migrate
/// outside Promote is told apart from a change by hand.
/// </summary>
public sealed class PostgresSchemaExpectations(NpgsqlDataSource dataSource, PostgresReleaseJournal journal) : ISchemaExpectations
{
    private const string LastPlanEvent = "SELECT coalesce(max(id), 0) FROM sluice.events WHERE plan_id IS NOT NULL";

    public async Task<bool> RecordAsync(string environment, ExpectationOrigin origin, string reason, CancellationToken cancellationToken)
    {
        await journal.EnsureAsync(cancellationToken);
        var schema = await SchemaReader.ReadCurrentAsync(dataSource, cancellationToken);
        if (!ExpectationRules.Records(origin, schema.Objects.Count)) return false;
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO sluice.schema_expectations (environment, schema_hash, objects, last_event_id, reason)
            VALUES ($1, $2, $3::jsonb, ({LastPlanEvent}), $4)
            """);
        foreach (var value in new object[] { environment, schema.Hash, JsonSerializer.Serialize(Lines(schema)), reason })
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public async Task<SchemaDrift> ReadAsync(string environment, CancellationToken cancellationToken)
    {
        await journal.EnsureAsync(cancellationToken);
        var live = await SchemaReader.ReadCurrentAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand($"""
            SELECT schema_hash, objects::text, at, last_event_id < ({LastPlanEvent})
            FROM sluice.schema_expectations WHERE environment = $1 ORDER BY id DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = environment });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return new SchemaDrift(null, null, live.Hash, false, []);
        var expected = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1))!;
        // An empty schema expects nothing (ExpectationRules, rule 3): one recorded by a rollback before that rule would
        // block the first load of the service's schema forever.
        if (expected.Count == 0) return new SchemaDrift(null, null, live.Hash, false, []);
        var now = Lines(live);
        var differences = now.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"+ {k}")
            .Concat(expected.Keys.Where(k => !now.ContainsKey(k)).Select(k => $"- {k}"))
            .Concat(now.Where(kv => expected.TryGetValue(kv.Key, out var d) && d != kv.Value).Select(kv => $"~ {kv.Key}"))
            .Order(StringComparer.Ordinal).ToList();
        return new SchemaDrift(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(2), live.Hash, reader.GetBoolean(3), differences);
    }

    /// <summary>Each object as "kind name" with its definition; the last definition wins where a name repeats.</summary>
    private static Dictionary<string, string> Lines(SchemaFingerprint schema)
    {
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in schema.Objects) lines[$"{o.Kind} {o.Name}"] = o.Definition;
        return lines;
    }
}

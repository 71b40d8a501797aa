using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Definition;

namespace Sluice.Postgres.Canary;

/// <summary>
/// The database's own signals per version, told apart by each version's <c>application_name</c>: statements that
/// ended in an error (<c>sqlstate_errors</c>, with one extra observation per SQLSTATE, <c>sqlstate_errors.23505</c>),
/// deadlocks (40P01) and lock waits longer than <c>deadlock_timeout</c> (<c>lock_waits</c>), all read from the
/// server's csvlog over the connection (<c>pg_ls_logdir</c>, <c>pg_read_file</c>).
/// <para>Why the csvlog through SQL: it is the only place PostgreSQL records an error with its SQLSTATE and the
/// session's <c>application_name</c> together (<c>pg_stat_database</c> has no per-application figures), and reading
/// it over the connection works wherever the runner can connect with superuser or <c>pg_monitor</c> plus
/// <c>pg_read_server_files</c>, not only on the server's own machine. It needs <c>logging_collector = on</c>,
/// <c>log_destination</c> with <c>csvlog</c>, <c>log_lock_waits = on</c> and <c>log_timezone = 'UTC'</c>
/// (<see cref="RequiredSettings"/>); a server without them is an error, never a quiet zero.</para>
/// <para>Counts are the sessions each version had (connected now, or seen in the window's log): the database
/// knows events, not requests, so a version that never connected has no data, and a connected one with no errors
/// passes. Such metrics need one sample by default, not the request metrics' 50.</para>
/// </summary>
public sealed class DatabaseMetricSource(string connectionString, CanaryDefinition definition) : IMetricSource
{
    /// <summary>What a server needs for this source (the local cluster sets them).</summary>
    public static IReadOnlyDictionary<string, string> RequiredSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["logging_collector"] = "on",
        ["log_destination"] = "csvlog",
        ["log_lock_waits"] = "on",
        ["log_timezone"] = "UTC",
    };

    public string Name => MetricCatalog.Database;

    public IReadOnlyCollection<string> Metrics => MetricCatalog.Fixed[MetricCatalog.Database];

    public async Task<IReadOnlyList<MetricObservation>> ObserveAsync(MetricWindow window, CancellationToken cancellationToken)
    {
        var names = new Dictionary<ServiceVersion, string>
        {
            [ServiceVersion.Baseline] = definition.ApplicationNameOf(ServiceVersion.Baseline) ?? throw NoApplicationName(),
            [ServiceVersion.Canary] = definition.ApplicationNameOf(ServiceVersion.Canary) ?? throw NoApplicationName(),
        };
        List<CsvLogRecord> records;
        Dictionary<string, long> connected;
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sluice-canary", Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await CheckSettingsAsync(connection, cancellationToken);
            records = [.. (await ReadLogAsync(connection, window, cancellationToken)).Where(r => r.Time >= window.Start && r.Time < window.End)];
            connected = await ConnectedAsync(connection, [.. names.Values], cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new MetricSourceException(Name, $"the database at {Where()} could not be read: {e.Message}", e);
        }

        var observations = new List<MetricObservation>();
        foreach (var (version, application) in names)
        {
            var mine = records.Where(r => r.ApplicationName == application).ToList();
            var sessions = Math.Max(connected.GetValueOrDefault(application), mine.Select(r => r.SessionId).Distinct().Count());
            var errors = mine.Where(r => r.Severity is "ERROR" or "FATAL" or "PANIC").ToList();
            observations.Add(new(MetricCatalog.SqlStateErrors, version, sessions, errors.Count, []));
            observations.Add(new(MetricCatalog.Deadlocks, version, sessions, errors.Count(r => r.SqlState == "40P01"), []));
            observations.Add(new(MetricCatalog.LockWaits, version, sessions, mine.Count(r => r.Message.Contains(" still waiting for ", StringComparison.Ordinal)), []));
            foreach (var code in errors.GroupBy(r => r.SqlState).OrderBy(g => g.Key, StringComparer.Ordinal))
                observations.Add(new($"{MetricCatalog.SqlStateErrors}.{code.Key}", version, sessions, code.Count(), []));
        }
        return observations;
    }

    private async Task CheckSettingsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('logging_collector'), current_setting('log_destination'), current_setting('log_lock_waits'), current_setting('log_timezone')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (collector, destination, lockWaits, zone) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        if (collector != "on" || !destination.Contains("csvlog", StringComparison.Ordinal) || lockWaits != "on" || zone is not ("UTC" or "Etc/UTC" or "GMT"))
            throw new MetricSourceException(Name,
                $"the database at {Where()} does not log what the canary reads (logging_collector {collector}, log_destination {destination}, log_lock_waits {lockWaits}, log_timezone {zone}); " +
                $"set {string.Join(", ", RequiredSettings.Select(s => $"{s.Key} = {s.Value}"))}");
    }

    /// <summary>The csv files written since the window opened, oldest first (a rotation may split a window).</summary>
    private static async Task<IReadOnlyList<CsvLogRecord>> ReadLogAsync(NpgsqlConnection connection, MetricWindow window, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT pg_read_file(current_setting('log_directory') || '/' || name)
            FROM pg_ls_logdir()
            WHERE name LIKE '%.csv' AND modification >= $1
            ORDER BY modification, name
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = window.Start.UtcDateTime.AddSeconds(-1) });
        var records = new List<CsvLogRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) records.AddRange(ServerCsvLog.Parse(reader.GetString(0)));
        return records;
    }

    private static async Task<Dictionary<string, long>> ConnectedAsync(NpgsqlConnection connection, string[] applications, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT application_name, count(*) FROM pg_stat_activity WHERE application_name = ANY($1) GROUP BY application_name", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = applications });
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>Host, port and database: never the password.</summary>
    private string Where()
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private MetricSourceException NoApplicationName() =>
        new(Name, "the canary definition gives no 'application_name' with {version}, so the database cannot tell the versions apart");
}

using Npgsql;
using Sluice.Drills;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Releases;
using Sluice.Secrets;

namespace Sluice.Postgres.Drills;

/// <summary>
/// One throwaway copy of an environment's database with the providers of its own journal and lease: Migrate and
/// Rollback act on it as on the environment. Its lease is named after the copy, so it never meets the environment's.
/// </summary>
internal sealed class PostgresDrillCopy : IDrillCopy, IAsyncDisposable
{
    private const string Tables = """
        SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice')
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
        """;

    private readonly EphemeralDatabase _database;
    private readonly PostgresReleaseDatabase _journal;
    private readonly MigrationService _migrations;
    private readonly ServicePlans _plans;
    private readonly RunnerIdentity _by;
    private readonly Func<string, CancellationToken, Task<string>> _restoreLatest;
    private readonly PostgresDrillStandby? _standby;

    /// <param name="standby">For a lost-primary drill: the throwaway primary <paramref name="database"/> lives on and its
    /// standby; the copy then owns both, and the service reaches whichever accepts writes.</param>
    public PostgresDrillCopy(EphemeralDatabase database, ServicePlans plans, RunnerIdentity by, ISecretRedactor redactor,
        Func<string, CancellationToken, Task<string>> restoreLatest, PostgresDrillStandby? standby = null)
    {
        _database = database;
        _standby = standby;
        _plans = plans;
        _by = by;
        _restoreLatest = restoreLatest;
        _journal = new PostgresReleaseDatabase(database.ConnectionString, redactor: redactor);
        _migrations = new MigrationService(_journal.Migrations.Providers);
        var b = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        Location = $"{b.Host}:{b.Port}/{b.Database}";
    }

    public string Name => _database.Name;

    public string Location { get; }

    public string ConnectionString => _standby?.ServiceConnectionString(_database.Name) ?? _database.ConnectionString;

    public IDrillStandby? Standby => _standby;

    public IMigrationJournal Journal => _journal.Migrations.Providers.Journal;

    /// <summary>The copy's lease and journal label: the copy's own name, never the environment's.</summary>
    private string Label => $"drill-{_database.Name}";

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DrillTable>> TablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(Tables, connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        var tables = new List<DrillTable>();
        foreach (var name in names)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {name}", connection);
            tables.Add(new DrillTable(name, (long)(await count.ExecuteScalarAsync(cancellationToken))!));
        }
        return [.. tables.OrderByDescending(t => t.Rows).ThenBy(t => t.Name, StringComparer.Ordinal)];
    }

    // Through ConnectionString: after a lost-primary drill's promotion, the copy is on the standby.
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public Task<MigrationRunResult> MigrateAsync(string planId, IPhaseBarrier? barrier, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken) =>
        _migrations.MigrateAsync(Request(planId), progress, new MigrationRunnerOptions(Label, Barrier: barrier), cancellationToken);

    public Task<MigrationRunResult> RollbackAsync(string planId, CancellationToken cancellationToken) =>
        _migrations.RollbackAsync(Request(planId), null, cancellationToken);

    public async Task<string> RestoreLatestVerifiedSnapshotAsync(CancellationToken cancellationToken)
    {
        // The restore drops and recreates the database: the pool's connections to it end with it.
        _journal.DataSource.Clear();
        try
        {
            return await _restoreLatest(_database.ConnectionString, cancellationToken);
        }
        finally
        {
            _journal.DataSource.Clear();
        }
    }

    private MigrationRequest Request(string planId) =>
        new(Path.GetDirectoryName(_plans.ServiceFolder)!, _plans.Service, Label, planId, null, _by, _plans);

    public async ValueTask DisposeAsync()
    {
        await _journal.DisposeAsync();
        // A copy on a throwaway primary goes with its servers: that primary may be the one the drill crashed.
        if (_standby is not null) await _standby.DisposeAsync();
        else await _database.DisposeAsync();
    }
}

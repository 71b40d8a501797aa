using Npgsql;
using Sluice.Environments;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Migrations;
using Sluice.Secrets;

namespace Sluice.Postgres.Environments;

/// <summary>
/// Other services' journals on the session's environment, for the dependency gate: each service's database is found
/// as the environment names it for that service (the local cluster's database named after the service), read only,
/// one small pool per service for the session's life. A database without schema <c>sluice</c> has no journal.
/// </summary>
internal sealed class PostgresServiceJournals(EnvironmentSessionRequest request, PostgresSessionProvider provider, ISecretRedactor redactor) : IAsyncDisposable
{
    private readonly Dictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IMigrationJournal?> JournalOfAsync(string service, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_sources.TryGetValue(service, out var source))
            {
                var connectionString = await provider.ConnectionStringAsync(request with { ServiceName = service, DatabaseOverride = null }, cancellationToken);
                source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sluice-requirements", MaxPoolSize = 2 }.ConnectionString);
                _sources[service] = source;
            }
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT to_regclass('sluice.phases') IS NOT NULL", connection);
            return (bool)(await exists.ExecuteScalarAsync(cancellationToken))! ? new PostgresMigrationJournal(source, redactor) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values) await source.DisposeAsync();
        _sources.Clear();
        _gate.Dispose();
    }
}

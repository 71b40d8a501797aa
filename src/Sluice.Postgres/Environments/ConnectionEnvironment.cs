using Npgsql;
using Sluice.Environments;

namespace Sluice.Postgres.Environments;

/// <summary>
/// An existing server reached by connection string (a <c>connection</c> environment or a <c>--database</c> value).
/// Sluice did not create it, so provisioning only checks it answers and teardown leaves it alone.
/// </summary>
public sealed class ConnectionEnvironment(string name, string connectionString) : IDatabaseEnvironment
{
    public string Name => name;

    public async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var ping = new NpgsqlCommand("SELECT 1", connection);
        await ping.ExecuteScalarAsync(cancellationToken);
    }

    public Task TeardownAsync(TeardownScope scope, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) => Task.FromResult(connectionString);

    public override string ToString() => $"{name} (connection string)"; // never the string: it is a secret
}

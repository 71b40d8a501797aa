using Sluice.Environments;
using Testcontainers.PostgreSql;

namespace Sluice.Testcontainers;

/// <summary>
/// A <c>testcontainers</c> environment: PostgreSQL in a Docker container started on provision and removed on teardown.
/// Nothing survives the container, so both teardown scopes remove it.
/// </summary>
public sealed class TestcontainersEnvironment : IDatabaseEnvironment, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _image;
    private readonly string _database;
    private PostgreSqlContainer? _container;

    /// <param name="name">The environment's name.</param>
    /// <param name="database">The database created in the container.</param>
    /// <param name="image">The image to run; PostgreSQL 15 by default, the version Sluice's local clusters use.</param>
    public TestcontainersEnvironment(string name, string database, string image = TestcontainersEnvironmentProvider.DefaultImage)
    {
        Name = name;
        _database = database;
        _image = image;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task ProvisionAsync(CancellationToken cancellationToken) => await StartedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task TeardownAsync(TeardownScope scope, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_container is null) return;
            await _container.DisposeAsync();
            _container = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        (await StartedAsync(cancellationToken)).GetConnectionString();

    /// <summary>Removes the container if it is still running.</summary>
    public async ValueTask DisposeAsync() => await TeardownAsync(TeardownScope.Remove, CancellationToken.None);

    private async Task<PostgreSqlContainer> StartedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_container is not null) return _container;
            var container = new PostgreSqlBuilder(_image).WithDatabase(_database).Build();
            await container.StartAsync(cancellationToken);
            _container = container;
            return container;
        }
        finally
        {
            _gate.Release();
        }
    }
}

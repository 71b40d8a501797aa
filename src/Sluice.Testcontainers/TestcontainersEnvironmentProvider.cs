using Sluice.Environments;

namespace Sluice.Testcontainers;

/// <summary>
/// The <c>testcontainers</c> provider: for teams with Docker and without PostgreSQL's binaries. Register it with
/// <c>PostgresEnvironments.CreateResolver(extraProviders: new TestcontainersEnvironmentProvider())</c> and select it in
/// <c>.nuke/parameters.&lt;env&gt;.json</c> with <c>"environment": { "provider": "testcontainers" }</c>.
/// </summary>
/// <param name="image">The PostgreSQL image to run.</param>
public sealed class TestcontainersEnvironmentProvider(string image = TestcontainersEnvironmentProvider.DefaultImage) : IEnvironmentProvider
{
    /// <summary>The image used when none is given.</summary>
    public const string DefaultImage = "postgres:15-alpine";

    /// <inheritdoc />
    public EnvironmentProviderKind Kind => EnvironmentProviderKind.Testcontainers;

    /// <inheritdoc />
    public IDatabaseEnvironment Create(EnvironmentRequest request) =>
        new TestcontainersEnvironment(request.Name, request.DatabaseName, image);
}

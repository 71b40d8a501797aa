using Microsoft.Extensions.Logging;
using Sluice.Environments;
using Sluice.Postgres.Clusters;

namespace Sluice.Postgres.Environments;

/// <summary>The resolver with this package's providers (<c>local</c>, <c>connection</c>, and <c>rds</c> and
/// <c>azure_flexible</c>, which are reached by connection string too) plus any extra ones
/// (for example Sluice.Testcontainers').</summary>
public static class PostgresEnvironments
{
    public static EnvironmentResolver CreateResolver(ILogger? logger = null, PostgresToolchain? toolchain = null,
        params IEnvironmentProvider[] extraProviders) =>
        new([new LocalEnvironmentProvider(toolchain, logger), new ConnectionEnvironmentProvider(),
            new ConnectionEnvironmentProvider(EnvironmentProviderKind.Rds), new ConnectionEnvironmentProvider(EnvironmentProviderKind.AzureFlexible), .. extraProviders]);
}

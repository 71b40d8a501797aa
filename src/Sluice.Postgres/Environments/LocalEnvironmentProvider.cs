using Microsoft.Extensions.Logging;
using Sluice.Environments;
using Sluice.Postgres.Clusters;

namespace Sluice.Postgres.Environments;

/// <summary>Builds <see cref="LocalEnvironment"/>s from <c>local</c> specs (and for the embedded default).</summary>
/// <param name="toolchain">Shared binaries and account; null finds them on first use.</param>
public sealed class LocalEnvironmentProvider(PostgresToolchain? toolchain = null, ILogger? logger = null) : IEnvironmentProvider
{
    public EnvironmentProviderKind Kind => EnvironmentProviderKind.Local;

    public IDatabaseEnvironment Create(EnvironmentRequest request) =>
        new LocalEnvironment(new LocalEnvironmentOptions(request.RepositoryRoot)
        {
            Name = request.Name,
            DataDirectory = request.Spec.DataDir,
            Port = request.Spec.Port,
            Replica = request.Spec.Replica,
            DatabaseName = request.DatabaseName,
            DatabaseNote = request.Database.Describe(request.Name),
        }, toolchain, logger);
}

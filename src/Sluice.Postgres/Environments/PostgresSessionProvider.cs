using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Environments;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Postgres.Secrets;
using Sluice.Secrets;
using Sluice.Errors;
using Sluice.Snapshots.Cloud;

namespace Sluice.Postgres.Environments;

/// <summary>
/// Opens PostgreSQL environment sessions: resolves the environment (<c>local</c>, <c>connection</c>, and any extra
/// provider such as Sluice.Testcontainers'), provisions it when needed and registers its connection string as a secret
/// the moment it is known. The string goes no further than the session it opens. An <c>rds</c> or <c>azure_flexible</c>
/// environment is reached by connection string and snapshotted by the cloud snapshot provider registered for its kind.
/// </summary>
public sealed class PostgresSessionProvider : IEnvironmentSessionProvider, Sluice.Trains.ITrainLeaseProvider
{
    private readonly ILogger? logger;
    private readonly IEnvironmentProvider[] extraProviders;
    private readonly IReadOnlyList<ICloudSnapshotProviderFactory> cloud;

    public PostgresSessionProvider(ILogger? logger = null, params IEnvironmentProvider[] extraProviders)
        : this(logger, [], extraProviders)
    {
    }

    /// <param name="cloud">The cloud snapshot providers (Sluice.Aws' <c>RdsSnapshots</c>, Sluice.Azure's
    /// <c>FlexibleServerSnapshots</c>) for <c>rds</c> and <c>azure_flexible</c> environments.</param>
    public PostgresSessionProvider(ILogger? logger, IReadOnlyList<ICloudSnapshotProviderFactory> cloud, params IEnvironmentProvider[] extraProviders)
    {
        this.logger = logger;
        this.cloud = cloud;
        this.extraProviders = extraProviders;
    }

    public async Task<IEnvironmentSession> OpenAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken)
    {
        var environment = Resolve(request);
        var connectionString = await environment.GetConnectionStringAsync(cancellationToken);
        Register(request.Secrets, connectionString);
        // A local environment's standby holds the same database; --database points elsewhere, where Sluice made no standby.
        var replica = environment is LocalEnvironment local && string.IsNullOrEmpty(request.DatabaseOverride)
            && await local.GetReplicaAsync(cancellationToken) is { } standby
            ? new PostgresEnvironmentReplica(standby, connectionString) : null;
        return new PostgresEnvironmentSession(request, connectionString, this, logger, replica);
    }

    public async Task<IAsyncDisposable> AcquireTrainLeaseAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken) =>
        await PostgresTrainLease.AcquireAsync(await ConnectionStringAsync(request, cancellationToken), request, cancellationToken);

    /// <summary>The cloud snapshot provider of an <c>rds</c> or <c>azure_flexible</c> environment; <c>SLU258</c> when none is registered.</summary>
    internal ICloudSnapshotProvider CloudProviderFor(EnvironmentSessionRequest request, CloudDefinition definition)
    {
        var kind = CloudDefinitionReader.KindOf(request.EffectiveSpec.Provider);
        var factory = cloud.FirstOrDefault(f => f.Kind == kind)
            ?? throw SluiceException.Usage(ErrorCodes.CloudProviderMissing,
                $"environment '{request.Environment}' uses provider '{(kind == CloudProviderKind.Rds ? "rds" : "azure_flexible")}', but the build registers no cloud snapshot provider for it",
                $"reference {(kind == CloudProviderKind.Rds ? "Sluice.Aws and pass new RdsSnapshots()" : "Sluice.Azure and pass new FlexibleServerSnapshots()")} to PostgresSessionProvider (docs/cloud.md)",
                request.SpecFile);
        return factory.Create(definition);
    }

    public async Task<string> ConnectionStringAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken)
    {
        var connectionString = await Resolve(request).GetConnectionStringAsync(cancellationToken);
        Register(request.Secrets, connectionString);
        return connectionString;
    }

    public IDatabaseEnvironment Resolve(EnvironmentSessionRequest request)
    {
        // --database's password is secret on its own, before anything parses it: a value Npgsql rejects is quoted in
        // the exception it throws.
        if (!string.IsNullOrEmpty(request.DatabaseOverride)) Register(request.Secrets, request.DatabaseOverride);
        return Resolve(request.Environment, request.Spec, request);
    }

    public Task<DiffReport> DiffAsync(string source, string target, DiffOptions options, IRunSecrets secrets, CancellationToken cancellationToken)
    {
        Register(secrets, source);
        Register(secrets, target);
        return new PostgresFingerprints().DiffAsync(source, target, cancellationToken, options);
    }

    public string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    /// <summary>Another environment of the same repository (the promotion-order gate reads its journal), by its definition.</summary>
    internal async Task<string> ConnectionStringOfAsync(string environment, EnvironmentSpec spec, EnvironmentSessionRequest request, CancellationToken cancellationToken)
    {
        var connectionString = await Resolve(environment, spec, request with { DatabaseOverride = null }).GetConnectionStringAsync(cancellationToken);
        Register(request.Secrets, connectionString);
        return connectionString;
    }

    private IDatabaseEnvironment Resolve(string environment, EnvironmentSpec? spec, EnvironmentSessionRequest request) =>
        PostgresEnvironments.CreateResolver(logger, null, extraProviders)
            .Resolve(environment, spec, request.Root, request.DatabaseOverride, serviceName: request.ServiceName);

    /// <summary>The whole connection string and its password are secret.</summary>
    private static void Register(IRunSecrets secrets, string connectionString)
    {
        foreach (var secret in ConnectionSecrets.Of(connectionString)) secrets.Add(secret);
    }
}

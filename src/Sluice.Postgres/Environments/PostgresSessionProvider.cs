using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Environments;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Postgres.Secrets;
using Sluice.Secrets;

namespace Sluice.Postgres.Environments;

/// <summary>
/// Opens PostgreSQL environment sessions: resolves the environment (<c>local</c>, <c>connection</c>, and any extra
/// provider such as Sluice.Testcontainers'), provisions it when needed and registers its connection string as a secret
/// the moment it is known. The string goes no further than the session it opens.
/// </summary>
public sealed class PostgresSessionProvider(ILogger? logger = null, params IEnvironmentProvider[] extraProviders) : IEnvironmentSessionProvider
{
    public async Task<IEnvironmentSession> OpenAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken) =>
        new PostgresEnvironmentSession(request, await ConnectionStringAsync(request, cancellationToken), this, logger);

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

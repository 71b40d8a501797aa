using Sluice.Build;
using Sluice.Environments;
using Sluice.Postgres.Environments;
using Sluice.Postgres.Secrets;
using Sluice.Postgres.Migrations;

namespace Sluice.Targets;

/// <summary>Resolves the selected environment (<c>--env</c>, its definition, <c>--database</c>) to a database.</summary>
public static class EnvironmentAccess
{
    /// <summary>The environment's database; its connection string is registered as a secret as soon as it is known.</summary>
    public static IDatabaseEnvironment Resolve(ISluiceComponent build)
    {
        // --database's password is secret on its own, before anything parses it: a value Npgsql rejects is quoted in
        // the exception it throws.
        if (build.Database is { } database) RegisterSecrets(build, database);
        var definition = Definition(build);
        var resolver = PostgresEnvironments.CreateResolver(new HostLogger(build.Host));
        return resolver.Resolve(build.Env, definition, build.Root, build.Database, serviceName: ServiceName(build));
    }

    /// <summary>The service the run acts on: <c>--service</c>, else the only one under <c>--pipelines</c>; null when
    /// neither names one.</summary>
    public static string? ServiceName(ISluiceComponent build) =>
        Migrations.Plans.ServicePlans.ServiceName(Path.Combine(build.Root, build.Pipelines), build.Service);

    /// <summary>The lease settings of the selected environment (its <c>lease_ttl</c>; default 60 s).</summary>
    public static LeaseOptions Lease(ISluiceComponent build) => new(build.EnvironmentDefinition?.LeaseTtl);

    /// <summary>The selected environment's definition (null for the embedded local default), checked against its provider;
    /// an error names the key's line in <c>.nuke/parameters.&lt;env&gt;.json</c>.</summary>
    public static EnvironmentSpec? Definition(ISluiceComponent build)
    {
        var definition = build.EnvironmentDefinition;
        var file = $".nuke/parameters.{build.Env}.json";
        return definition is null ? null : EnvironmentSpecReader.Validate(definition, file, EnvironmentSpecReader.FindLines(Path.Combine(build.Root, file)));
    }

    /// <summary>The connection string, provisioning the environment when needed, registered as a secret.</summary>
    public static async Task<string> ConnectionStringAsync(ISluiceComponent build, CancellationToken cancellationToken)
    {
        var connectionString = await Resolve(build).GetConnectionStringAsync(cancellationToken);
        RegisterSecrets(build, connectionString);
        return connectionString;
    }

    /// <summary>The whole connection string and its password are secret; the rest of it is useful in logs only through the builder.</summary>
    public static void RegisterSecrets(ISluiceBuild build, string connectionString)
    {
        foreach (var secret in ConnectionSecrets.Of(connectionString)) build.AddSecret(secret);
    }

    /// <summary>Where the connection goes, without credentials: <c>127.0.0.1:5433/shop</c>.</summary>
    public static string Describe(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }
}

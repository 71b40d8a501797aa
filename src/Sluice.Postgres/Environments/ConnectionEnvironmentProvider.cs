using Npgsql;
using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Postgres.Environments;

/// <summary>
/// Builds <see cref="ConnectionEnvironment"/>s: the connection string is <c>--database</c> when given, else the value
/// of the spec's <c>connection_string_variable</c>. Both are checked here, before anything touches a database. The
/// managed kinds (<c>rds</c>, <c>azure_flexible</c>) are reached the same way; only their snapshots differ.
/// </summary>
/// <param name="kind">The kind it serves: <c>connection</c> by default.</param>
public sealed class ConnectionEnvironmentProvider(EnvironmentProviderKind kind = EnvironmentProviderKind.Connection) : IEnvironmentProvider
{
    public EnvironmentProviderKind Kind => kind;

    public IDatabaseEnvironment Create(EnvironmentRequest request)
    {
        string connectionString;
        string source;
        if (request.DatabaseOverride is { } overridden)
        {
            (connectionString, source) = (overridden, "--database");
        }
        else
        {
            var variable = request.Spec.ConnectionStringVariable
                ?? throw SluiceException.Usage(ErrorCodes.BadEnvironment, $"environment '{request.Name}' has no connection_string_variable",
                    "add \"connection_string_variable\" to its environment object or pass --database");
            if (!request.Variables.TryGetValue(variable, out var value) || string.IsNullOrWhiteSpace(value))
                throw SluiceException.Usage(ErrorCodes.ConnectionVariableUnset,
                    $"environment '{request.Name}' reads its connection string from the variable {variable}, which is not set",
                    $"set {variable} (a CI secret) or pass --database");
            (connectionString, source) = (value, variable);
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The message would quote the secret; name only where it came from.
            throw SluiceException.Usage(ErrorCodes.BadConnectionString, $"the connection string from {source} is not a valid Npgsql connection string",
                "use the form Host=...;Port=5432;Database=...;Username=...;Password=...");
        }
        return new ConnectionEnvironment(request.Name, connectionString);
    }
}

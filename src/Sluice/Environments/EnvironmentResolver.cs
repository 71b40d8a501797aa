using Sluice.Errors;

namespace Sluice.Environments;

/// <summary>
/// Turns an environment name and its definition into an <see cref="IDatabaseEnvironment"/>: no definition means the
/// embedded local default, and a <c>--database</c> value always wins (it is routed to the <c>connection</c> provider).
/// </summary>
public sealed class EnvironmentResolver
{
    private readonly IReadOnlyDictionary<EnvironmentProviderKind, IEnvironmentProvider> _providers;

    public EnvironmentResolver(IEnumerable<IEnvironmentProvider> providers)
    {
        var byKind = new Dictionary<EnvironmentProviderKind, IEnvironmentProvider>();
        foreach (var provider in providers)
            if (!byKind.TryAdd(provider.Kind, provider))
                throw new ArgumentException($"two providers registered for '{provider.Kind}'", nameof(providers));
        _providers = byKind;
    }

    /// <param name="name">The environment's name (<c>--env</c>).</param>
    /// <param name="spec">Its definition, or null for the embedded local default.</param>
    /// <param name="repositoryRoot">The folder holding <c>.nuke/</c>.</param>
    /// <param name="databaseOverride">The secret <c>--database</c> value, if given.</param>
    /// <param name="variables">The process environment; null reads the current one.</param>
    /// <param name="serviceName">The service being shipped, which names the default database.</param>
    public IDatabaseEnvironment Resolve(string name, EnvironmentSpec? spec, string repositoryRoot,
        string? databaseOverride = null, IReadOnlyDictionary<string, string>? variables = null, string? serviceName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(repositoryRoot);
        var effective = spec ?? EnvironmentSpec.LocalDefault;
        var kind = string.IsNullOrEmpty(databaseOverride) ? effective.Provider : EnvironmentProviderKind.Connection;
        if (!_providers.TryGetValue(kind, out var provider))
            throw SluiceException.Usage(ErrorCodes.BadEnvironment,
                $"environment '{name}' uses provider '{kind.ToString().ToLowerInvariant()}', which is not registered",
                kind == EnvironmentProviderKind.Testcontainers
                    ? "reference the Sluice.Testcontainers package and register TestcontainersEnvironmentProvider"
                    : "register a provider for it when building the resolver");
        var request = new EnvironmentRequest(name, effective, repositoryRoot,
            variables ?? EnvironmentRequest.ProcessVariables(), string.IsNullOrEmpty(databaseOverride) ? null : databaseOverride, serviceName);
        return provider.Create(request);
    }
}

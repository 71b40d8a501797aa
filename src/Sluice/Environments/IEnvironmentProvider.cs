namespace Sluice.Environments;

/// <summary>Creates <see cref="IDatabaseEnvironment"/>s of one <see cref="EnvironmentProviderKind"/>.</summary>
public interface IEnvironmentProvider
{
    EnvironmentProviderKind Kind { get; }

    /// <summary>Builds the environment without touching anything; the work happens in its methods.</summary>
    IDatabaseEnvironment Create(EnvironmentRequest request);
}

namespace Sluice.Environments;

/// <summary>One environment's database as the Provision and Teardown targets see it.</summary>
public interface IDatabaseEnvironment
{
    /// <summary>The environment's name (<c>local</c>, <c>staging</c>, ...).</summary>
    string Name { get; }

    /// <summary>Makes the database reachable: creates or starts what is needed; a no-op when it already is.</summary>
    Task ProvisionAsync(CancellationToken cancellationToken);

    /// <summary>Stops or removes what <see cref="ProvisionAsync"/> created; never touches a database it did not create.</summary>
    Task TeardownAsync(TeardownScope scope, CancellationToken cancellationToken);

    /// <summary>The Npgsql connection string of the environment's database, provisioning it first when needed. A secret.</summary>
    Task<string> GetConnectionStringAsync(CancellationToken cancellationToken);
}

/// <summary>How far <see cref="IDatabaseEnvironment.TeardownAsync"/> goes.</summary>
public enum TeardownScope
{
    /// <summary>Stop servers and keep their data, so the next provision is fast.</summary>
    Stop,
    /// <summary>Stop servers and delete what they stored.</summary>
    Remove,
}

using Sluice.Build;
using Sluice.Environments;

namespace Sluice.Targets;

/// <summary>
/// <c>Provision</c> makes the environment's database reachable: for the embedded <c>local</c> default, a PostgreSQL
/// cluster under <c>.sluice/local/</c>, created on first use and reused after. <c>Teardown</c> removes what
/// Provision created (never a database it did not create).
/// </summary>
public interface IProvision : ISluiceComponent
{
    [Parameter("Teardown: stop the servers but keep their data")]
    bool KeepData => this.Parameter<bool>();

    Target Provision => _ => _
        .Description("Creates or starts the environment's database (local: a cluster under .sluice/<env>/)")
        .Executes(async ct =>
        {
            var environment = EnvironmentAccess.Resolve(this);
            await environment.ProvisionAsync(ct);
            var connectionString = await environment.GetConnectionStringAsync(ct);
            EnvironmentAccess.RegisterSecrets(this, connectionString);
            Host.Info($"environment {Env} is ready at {EnvironmentAccess.Describe(connectionString)}");
            Host.SetOutput("database", EnvironmentAccess.Describe(connectionString));
        });

    Target Teardown => _ => _
        .Description("Stops the environment's local servers and removes their data (--keep-data keeps it)")
        .Executes(async ct =>
        {
            var scope = KeepData ? TeardownScope.Stop : TeardownScope.Remove;
            await EnvironmentAccess.Resolve(this).TeardownAsync(scope, ct);
            Host.Info(scope == TeardownScope.Remove ? $"environment {Env} removed" : $"environment {Env} stopped; data kept");
        });
}

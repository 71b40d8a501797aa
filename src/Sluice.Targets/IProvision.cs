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
            await SessionProvider.Resolve(SessionRequest).ProvisionAsync(ct);
            var session = await SessionAsync(ct);
            Host.Info($"environment {Env} is ready at {session.Location}");
            Host.SetOutput("database", session.Location);
        });

    Target Teardown => _ => _
        .Description("Stops the environment's local servers and removes their data (--keep-data keeps it)")
        .Executes(async ct =>
        {
            var scope = KeepData ? TeardownScope.Stop : TeardownScope.Remove;
            await SessionProvider.Resolve(SessionRequest).TeardownAsync(scope, ct);
            Host.Info(scope == TeardownScope.Remove ? $"environment {Env} removed" : $"environment {Env} stopped; data kept");
        });
}

using Sluice.Build;

namespace Sluice.Targets;

/// <summary>
/// <c>SeedSchema</c> loads <c>pipelines/&lt;service&gt;/schema/*.sql</c> into the service's own local database when it
/// holds no tables yet, before Migrate and Promote (the rules: <see cref="Sluice.Environments.SeedRules"/>). A new
/// repository's first <c>Promote --env local</c> then finds the tables its first plan changes. Any other environment
/// is never seeded; adopt its schema with <c>AcceptSchema</c> instead.
/// </summary>
public interface ISeedSchema : IMigrate
{
    Target SeedSchema => _ =>
    {
        _.Description("Loads pipelines/<service>/schema/*.sql into the service's empty local database (before Migrate and Promote)")
            .Environment()
            .Validates(CheckPlansAsync)
            .DependentFor<IMigrate>(x => x.Migrate)
            .Executes(async ct =>
            {
                foreach (var session in Sessions) Host.Info((await session.Schema.SeedAsync(ct)).Message);
            });
        if (this is IPromote) _.DependentFor<IPromote>(x => x.Promote);
        return _;
    };
}

using Sluice.Build;

namespace Sluice.Targets;

/// <summary>
/// <c>AcceptSchema --reason TEXT</c> accepts the environment's live schema as the one the drift gate expects, and
/// journals who accepted it, when and why (<c>sluice.schema_expectations</c>). It is how an existing database is
/// adopted, and how a change made by hand on purpose stops blocking Promote. It holds the lease while it records.
/// </summary>
public interface IAcceptSchema : IMigrate
{
    [Parameter("AcceptSchema: why the live schema is accepted as expected (journaled with who and when)")]
    string? Reason => this.Parameter<string>();

    Target AcceptSchema => _ => _
        .Description("Accepts the live schema as the drift gate's expectation (--reason TEXT), journaled with who, when and why")
        .Environment()
        .Executes(async ct => Host.Info(await Session.Schema.AcceptAsync(Reason, ct)));
}

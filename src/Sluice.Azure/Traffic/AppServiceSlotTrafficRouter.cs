using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Azure.ResourceManager;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Azure.Traffic;

/// <summary>
/// Routes a canary by App Service's traffic routing: the production slot's ramp-up rule sends the canary's share of
/// requests to the deployment slot the canary runs in (App Service pins each client there by its
/// <c>x-ms-routing-name</c> cookie). A change is a read of <c>config/web</c>, then a PATCH of its
/// <c>experiments.rampUpRules</c> that keeps the other slots' rules; ARM answers 409 while another operation on the
/// site is under way, and that is retried from a fresh read.
/// </summary>
public sealed class AppServiceSlotTrafficRouter : ITrafficRouter
{
    /// <summary>The App Service REST API version every request names (specification/web/.../stable/2024-04-01).</summary>
    public const string ApiVersion = "2024-04-01";

    private readonly AppServiceSlotTarget _target;
    private readonly ArmJsonRequests _arm;
    private readonly RampUpRules _rules;
    private readonly string _slotAddress;
    private string? _slotHostName;

    /// <summary>A router signed in as <see cref="DefaultAzureCredential"/>: whichever of environment variables, workload
    /// identity federation, a managed identity or the Azure CLI's login Azure.Identity finds first.</summary>
    public AppServiceSlotTrafficRouter(AppServiceSlotTarget target) : this(target, new DefaultAzureCredential()) { }

    public AppServiceSlotTrafficRouter(AppServiceSlotTarget target, TokenCredential credential, ArmClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(credential);
        foreach (var (value, name) in new[] { (target.SubscriptionId, "subscription id"), (target.ResourceGroup, "resource group"), (target.Site, "site"), (target.Slot, "slot") })
            if (string.IsNullOrWhiteSpace(value) || value.Contains('/', StringComparison.Ordinal))
                throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, $"the App Service router needs a {name} without '/', not '{value}'",
                    "name it in the environment's canary router settings");
        if (string.Equals(target.Slot, "production", StringComparison.OrdinalIgnoreCase))
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, "the canary's slot is the production slot, where the baseline runs",
                "deploy the canary to a deployment slot (for example staging) and name that one");
        _target = target;
        _arm = new ArmJsonRequests(new ArmClient(credential, target.SubscriptionId, options ?? new ArmClientOptions()), target.SiteId);
        Address = $"{_arm.EndpointAddress}{target.SiteId}/config/web";
        _slotAddress = $"{_arm.EndpointAddress}{target.SlotId}";
        _rules = new RampUpRules(target, Address);
    }

    public string Address { get; }

    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        _rules.Read(await ReadConfigAsync(ErrorKind.Usage, cancellationToken).ConfigureAwait(false));
        await SlotHostNameAsync(ErrorKind.Usage, cancellationToken).ConfigureAwait(false);
    }

    public async Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        var host = await SlotHostNameAsync(ErrorKind.Failure, cancellationToken).ConfigureAwait(false);
        await ConcurrentChangeRetry.RunAsync(Address, async ct =>
        {
            var patch = _rules.Patch(await ReadConfigAsync(ErrorKind.Failure, ct).ConfigureAwait(false), split, host);
            var (status, _, text) = await _arm.SendAsync(RequestMethod.Patch, $"{_target.SiteId}/config/web", ApiVersion, patch, ErrorKind.Failure, ct).ConfigureAwait(false);
            if (status == 409) return false;
            if (status != 200) throw ArmFailures.FromStatus(ErrorKind.Failure, status, text, "update", Address, isSlot: false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken) =>
        _rules.Read(await ReadConfigAsync(ErrorKind.Failure, cancellationToken).ConfigureAwait(false));

    private async Task<JsonObject> ReadConfigAsync(ErrorKind kind, CancellationToken cancellationToken)
    {
        var (status, body, text) = await _arm.SendAsync(RequestMethod.Get, $"{_target.SiteId}/config/web", ApiVersion, null, kind, cancellationToken).ConfigureAwait(false);
        if (status != 200) throw ArmFailures.FromStatus(kind, status, text, "read", Address, isSlot: false);
        return body ?? throw new SluiceException(kind, ErrorCodes.RouterAnswerUnreadable, $"Azure Resource Manager answered {Address} with a body that is not a JSON object");
    }

    /// <summary>The slot's own host name, which the ramp-up rule sends traffic to; read once, it does not change.</summary>
    private async Task<string> SlotHostNameAsync(ErrorKind kind, CancellationToken cancellationToken)
    {
        if (_slotHostName is not null) return _slotHostName;
        var (status, body, text) = await _arm.SendAsync(RequestMethod.Get, _target.SlotId.ToString(), ApiVersion, null, kind, cancellationToken).ConfigureAwait(false);
        if (status != 200) throw ArmFailures.FromStatus(kind, status, text, "read", _slotAddress, isSlot: true);
        return _slotHostName = (string?)body?["properties"]?["defaultHostName"]
            ?? throw new SluiceException(kind, ErrorCodes.RouterAnswerUnreadable, $"the slot at {_slotAddress} has no properties.defaultHostName");
    }
}

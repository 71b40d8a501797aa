using Azure.Core;

namespace Sluice.Azure.Traffic;

/// <summary>
/// Which traffic the canary moves: the share of the App Service app's production hostname that its ramp-up rule
/// sends to a deployment slot. The baseline runs in the production slot, the canary in <paramref name="Slot"/>.
/// </summary>
public sealed record AppServiceSlotTarget(string SubscriptionId, string ResourceGroup, string Site, string Slot)
{
    /// <summary>The site's resource id (its production slot).</summary>
    public ResourceIdentifier SiteId => new($"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Web/sites/{Site}");

    /// <summary>The deployment slot's resource id.</summary>
    public ResourceIdentifier SlotId => new($"{SiteId}/slots/{Slot}");
}

namespace Shop.Flags;

/// <summary>The feature flags the shop reads; switch phases of its migration plans flip them.</summary>
public static class ShopFlags
{
    /// <summary>On: names come from first_name/last_name (plan 0001's switch phase).</summary>
    public const string ReadSplitName = "customers.read_split_name";
}

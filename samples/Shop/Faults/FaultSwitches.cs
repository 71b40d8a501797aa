namespace Shop.Faults;

/// <summary>
/// Faults a test switches on to see whether a canary notices them; all off by default. Read from configuration at
/// start (<c>Shop__Faults__ErrorRate=0.05</c>, <c>Shop__Faults__AddedLatencyMs=200</c>, <c>Shop__Faults__DualWriteBug=true</c>)
/// and changed at run time through <c>PUT /admin/faults</c> (loopback callers only).
/// </summary>
public sealed class FaultSwitches
{
    private volatile FaultSettings _settings = FaultSettings.Off;

    public FaultSettings Settings
    {
        get => _settings;
        set => _settings = value.Validated();
    }

    public static FaultSwitches FromConfiguration(IConfiguration configuration) => new()
    {
        Settings = new FaultSettings(
            configuration.GetValue("Shop:Faults:ErrorRate", 0.0),
            configuration.GetValue("Shop:Faults:AddedLatencyMs", 0),
            configuration.GetValue("Shop:Faults:DualWriteBug", false)),
    };
}

/// <param name="ErrorRate">The fraction of requests (0 to 1) answered 500 instead of being served.</param>
/// <param name="AddedLatencyMs">Milliseconds (0 to 60,000) every request waits before it is served.</param>
/// <param name="DualWriteBug">v2 writes a new customer's first_name/last_name but a wrong full_name (the first name
/// only), bypassing the expand phase's sync trigger: the divergence a dual-write parity check must catch.</param>
public sealed record FaultSettings(double ErrorRate = 0, int AddedLatencyMs = 0, bool DualWriteBug = false)
{
    public static FaultSettings Off { get; } = new();

    public FaultSettings Validated()
    {
        if (double.IsNaN(ErrorRate) || ErrorRate is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(ErrorRate), ErrorRate, "Shop:Faults:ErrorRate is a fraction from 0 to 1");
        if (AddedLatencyMs is < 0 or > 60_000)
            throw new ArgumentOutOfRangeException(nameof(AddedLatencyMs), AddedLatencyMs, "Shop:Faults:AddedLatencyMs is from 0 to 60000");
        return this;
    }
}

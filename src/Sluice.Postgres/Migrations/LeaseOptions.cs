namespace Sluice.Postgres.Migrations;

/// <summary>How long a lease lives without a heartbeat, and how often the heartbeat renews it.</summary>
/// <param name="TimeToLive">A holder silent for this long is dead (default 60 s).</param>
/// <param name="HeartbeatInterval">How often the holder renews (default a third of the time to live).</param>
public sealed record LeaseOptions(TimeSpan? TimeToLive = null, TimeSpan? HeartbeatInterval = null)
{
    public TimeSpan EffectiveTimeToLive => TimeToLive ?? TimeSpan.FromSeconds(60);

    public TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? EffectiveTimeToLive / 3;
}

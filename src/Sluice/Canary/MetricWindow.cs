namespace Sluice.Canary;

/// <summary>The time a step's analysis looks at: from the moment its weights took effect to the moment it is judged.</summary>
public sealed record MetricWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;
}

namespace Sluice.Migrations.Plans;

/// <summary>Where a run's plans come from. A run reads them once, at preflight, and gates and runs those objects.</summary>
public interface IPlanSource
{
    /// <summary>The service's plans (the only service under <paramref name="pipelinesFolder"/> when
    /// <paramref name="service"/> is null), loaded and validated.</summary>
    ServicePlans Load(string pipelinesFolder, string? service);
}

/// <summary>The plans on disk (<see cref="ServicePlans.Load"/>).</summary>
public sealed class FilePlanSource : IPlanSource
{
    public ServicePlans Load(string pipelinesFolder, string? service) => ServicePlans.Load(pipelinesFolder, service);
}

using Sluice.Drills;
using Sluice.Errors;
using Sluice.Traffic.Instances;

namespace Sluice.Targets;

/// <summary>The drilled service as a real process (<see cref="ServiceInstance"/>), given the copy's connection string as
/// <c>ConnectionStrings__&lt;service&gt;</c>; healthy when <paramref name="healthPath"/> answers 2xx.</summary>
public sealed class ProcessDrillService(string service, string assemblyPath, string healthPath) : IDrillService
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    public string Name => service;

    public async Task<IDrillServiceInstance> StartAsync(string connectionString, CancellationToken cancellationToken)
    {
        var start = ServiceStart.DotnetApp(service, assemblyPath) with
        {
            Environment = new Dictionary<string, string> { [$"ConnectionStrings__{service}"] = connectionString },
            ReadyPath = healthPath,
        };
        return new Running(await ServiceInstance.StartAsync(start, cancellationToken), healthPath);
    }

    private sealed class Running(ServiceInstance instance, string healthPath) : IDrillServiceInstance
    {
        public async Task WaitHealthyAsync(CancellationToken cancellationToken)
        {
            var health = new ReadinessProbe(new Uri(instance.Address, healthPath));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(HealthTimeout);
            try
            {
                if (await health.WaitAsync(() => instance.HasExited, deadline.Token)) return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The deadline: said below.
            }
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.DrillNotRestored,
                $"service {instance.Start.Name} {(instance.HasExited ? "exited" : $"was not healthy within {HealthTimeout.TotalSeconds:0} s")} at {health.Address} (last answer: {health.LastAnswer}); it printed:{Environment.NewLine}{instance.Output}",
                "run the service against the copy by hand to see why");
        }

        public ValueTask DisposeAsync() => instance.DisposeAsync();
    }
}

using Sluice.Environments;
using Sluice.Errors;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Trains;

namespace Sluice.Targets;

/// <summary>
/// What a run with <c>--services</c> holds of its environment: the train lease, then one session per service (each its
/// own pool and its own lease, as a single-service run has), taken in service order and released in reverse. The
/// one-session-per-run rule becomes one session per service per run, all opened together under the train lease.
/// </summary>
internal sealed class TrainRun : IAsyncDisposable
{
    private readonly List<(IEnvironmentSession Session, IEnvironmentLease? Lease)> _members = [];
    private IAsyncDisposable? _trainLease;

    private TrainRun()
    {
    }

    public IReadOnlyList<IEnvironmentSession> Sessions => [.. _members.Select(m => m.Session)];

    public static async Task<TrainRun> OpenAsync(IEnvironmentSessionProvider provider, EnvironmentSessionRequest request, IReadOnlyList<ServicePlans> services,
        CancellationToken cancellationToken)
    {
        var trains = provider as ITrainLeaseProvider
                     ?? throw SluiceException.Usage(ErrorCodes.BadServices, $"the environment provider of '{request.Environment}' cannot run release trains",
                         "release the services one at a time with --service NAME");
        var run = new TrainRun();
        try
        {
            run._trainLease = await trains.AcquireTrainLeaseAsync(request with { ServiceName = services[0].Service, Plans = () => services[0] }, cancellationToken);
            foreach (var service in services)
            {
                var session = await provider.OpenAsync(request with { ServiceName = service.Service, Plans = () => service }, cancellationToken);
                run._members.Add((session, null));
                run._members[^1] = (session, await session.AcquireLeaseAsync(cancellationToken));
            }
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _members.Count - 1; i >= 0; i--)
        {
            if (_members[i].Lease is { } lease) await lease.DisposeAsync();
            await _members[i].Session.DisposeAsync();
        }
        _members.Clear();
        if (_trainLease is { } train) await train.DisposeAsync();
        _trainLease = null;
    }

    /// <summary>The services <c>--services</c> names: <c>all</c>, or a comma-separated list (SLU308 for an unknown or empty one).</summary>
    public static IReadOnlyList<ServicePlans> Select(IReadOnlyList<ServicePlans> all, string services)
    {
        if (services.Trim() == "all") return all;
        var names = services.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
            throw SluiceException.Usage(ErrorCodes.BadServices, "--services names no service", $"pass --services all, or a list: --services {string.Join(",", all.Select(s => s.Service))}");
        var unknown = names.Where(n => all.All(s => s.Service != n)).ToList();
        if (unknown.Count > 0)
            throw SluiceException.Usage(ErrorCodes.BadServices, $"--services names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which has no migrations folder",
                $"known services: {string.Join(", ", all.Select(s => s.Service))}");
        return [.. all.Where(s => names.Contains(s.Service, StringComparer.Ordinal))];
    }
}

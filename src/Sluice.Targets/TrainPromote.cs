using Sluice.Build;
using Sluice.Releases;
using Sluice.Trains;

namespace Sluice.Targets;

/// <summary><c>Promote --services</c>: the train over the run's per-service sessions (<see cref="TrainRun"/>), its gate
/// tables and steps shown on the host as they happen.</summary>
internal static class TrainPromote
{
    public static async Task RunAsync(IPromote build, CancellationToken cancellationToken)
    {
        var sessions = build.Sessions;
        var members = sessions.Select(s => new TrainMember(s.Plans.Service, s.Release(s.Migration()), s.Migrations, s.Releases, s.Trains)).ToList();
        try
        {
            var result = await new ReleaseTrain().RunAsync(build.Env, members, sessions[0].By, new MigrationProgressToHost(build.Host), build.PrintGates,
                build.Host.Info, cancellationToken);
            build.Host.Info(result.Summary);
            if (result.Steps.Count > 0) build.Host.Info($"where it stands: ./build.sh Status --env {build.Env} --service {result.Steps[0].Service}");
        }
        catch (GatesBlockedException blocked)
        {
            build.PrintGates(blocked.Report);
            throw;
        }
    }
}

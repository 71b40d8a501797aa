using System.Globalization;
using Sluice.Build;
using Sluice.Canary.Definition;
using Sluice.Errors;
using Sluice.Traffic.Routing;

namespace Sluice.Targets;

/// <summary>
/// <c>Router --env X --router start|stop|status</c>: the local YARP router as a process of its own, for a canary run
/// in stages by separate processes (CI's deployment hooks). <c>start</c> launches it detached on 127.0.0.1 in front of
/// the environment's <c>canary.router</c> versions and returns once it answers; it writes its address and pid to
/// <c>.sluice/&lt;env&gt;/router.json</c>, so the canary's stages find it without <c>canary.router.admin</c>, and the
/// weights they set stay in it between them. <c>stop</c> drains and stops it. It needs no database and takes no
/// lease. The rules (a port in use, a version down, a stale file): <see cref="LocalRouterProcess"/>.
/// </summary>
public interface ILocalRouter : ISluiceComponent
{
    [Parameter("Router: start, stop or status of the environment's local router process (serve: the process itself)", Name = "Router")]
    RouterCommand? LocalRouterCommand => this.Parameter<RouterCommand?>();

    Target Router => _ => _
        .Description("The environment's local canary router as a process of its own: --router start|stop|status (address and pid in .sluice/<env>/router.json)")
        .Executes(async ct =>
        {
            var process = LocalRouter;
            switch (LocalRouterCommand)
            {
                case RouterCommand.Start:
                    var wanted = RouterOptionsOf(CanaryRun.DefinitionOf(this)); // a definition without a router fails here, not in the launched process
                    var started = await process.StartAsync([.. ServeCommand()], ct);
                    Host.Info($"router at {started.Address} (pid {started.Pid}): baseline {wanted.Baseline}, canary {wanted.Canary}{(wanted.StickySessions ? ", sticky" : "")}; all traffic on the baseline");
                    Host.Info($"its address is in {Path.GetRelativePath(Root, process.StateFile)}, its output in {Path.GetRelativePath(Root, process.LogFile)}; stop it with Router --router stop");
                    break;
                case RouterCommand.Serve:
                    await process.ServeAsync(RouterOptionsOf(CanaryRun.DefinitionOf(this)),
                        state => Host.Info($"router listening at {state.Address} (pid {state.Pid}) for baseline {state.Baseline}, canary {state.Canary}"), ct);
                    Host.Info("router stopped: requests in flight finished");
                    break;
                case RouterCommand.Status:
                    var status = await process.StatusAsync(ct);
                    Host.Info(string.Create(CultureInfo.InvariantCulture,
                        $"router at {status.State.Address} (pid {status.State.Pid}, since {status.State.StartedAt:u}): canary {status.Split.CanaryPercent} %, baseline {status.Split.BaselinePercent} %"));
                    Host.Info($"baseline {status.State.Baseline}, canary {status.State.Canary}{(status.State.Sticky ? ", sticky" : "")}: {status.NotReady ?? "both ready"}");
                    break;
                case RouterCommand.Stop:
                    Host.Info(await process.StopAsync(ct));
                    break;
                default:
                    throw SluiceException.Usage(ErrorCodes.NoRouterCommand, "Router needs --router start, stop or status",
                        "./build.sh Router --env X --router start");
            }
        });

    /// <summary>The environment's router process: its file and log under <c>.sluice/&lt;env&gt;/</c>.</summary>
    LocalRouterProcess LocalRouter => new(Path.Combine(Root, ".sluice", Env));

    /// <summary>This build run again as the router process (the same program, root and environment).</summary>
    private IEnumerable<string> ServeCommand()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.Ordinal))
        {
            yield return host;
            yield return System.Reflection.Assembly.GetEntryAssembly()!.Location;
        }
        else yield return host;
        foreach (var argument in new[] { "Router", "--env", Env, "--router", "serve", "--root", (string)Root }) yield return argument;
    }

    private RouterOptions RouterOptionsOf(CanaryDefinition? definition)
    {
        var file = Environments.EnvironmentCatalog.SpecFile(Env);
        if (definition is null)
            throw SluiceException.Usage(ErrorCodes.CanaryNoRouter, $"'{Env}' declares no canary, so there is nothing to route", "declare 'canary' with 'router' under 'environment'", file);
        if (definition.Router is not { } spec)
            throw SluiceException.Usage(ErrorCodes.CanaryNoRouter, "the canary has no local router: 'canary.router' is missing",
                "give 'router': { \"baseline\": \"http://127.0.0.1:5001\", \"canary\": \"http://127.0.0.1:5002\" }", file);
        return CanaryRun.OptionsOf(spec);
    }
}

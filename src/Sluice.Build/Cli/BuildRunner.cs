using System.Linq.Expressions;

namespace Sluice.Build;

/// <summary>
/// One run of a build: parameters, help, plan, requirements, execution, summary. Never exits the process and
/// keeps no global state, so tests run many builds side by side; <see cref="ConsoleEntryPoint"/> wires it to a console.
/// </summary>
internal static class BuildRunner
{
    public static Task<RunResult> RunAsync<T>(RunSettings settings, CancellationToken cancellationToken,
        params Expression<Func<T, Target>>[] defaultTargets) where T : SluiceBuild, new() =>
        RunAsync(new T(), settings, defaultTargets.Select(TargetName).ToList(), cancellationToken);

    public static async Task<RunResult> RunAsync(SluiceBuild build, RunSettings settings, IReadOnlyList<string> defaultTargets,
        CancellationToken cancellationToken)
    {
        var output = new HostOutput(settings.Out, settings.Secrets, settings.EnvironmentVariables, settings.Interactive);
        var host = HostDetector.Create(output, settings.Time);
        build.Host = host;
        build.Secrets = settings.Secrets;
        ExecutionPlan? plan = null;
        IAsyncDisposable? telemetry = null;
        try
        {
            var parameters = ParameterDescriptor.Discover(build.GetType());
            var defaults = ParameterDefaults.Read(build, parameters);
            var commandLine = CommandLine.Parse(settings.Args, parameters);
            var root = RootLocator.Find(commandLine, settings);
            var environments = EnvironmentProfiles.Discover(root);
            var env = EnvironmentProfiles.Select(commandLine, settings.EnvironmentVariables, environments);
            var sources = new ParameterSources(commandLine, settings.EnvironmentVariables, environments.FilesFor(env), host.Warning);
            build.ParameterValues = ParameterBinder.Bind(build, parameters, sources, root, settings.Secrets);
            // After binding, which assigns --root and --env as given: the located, normalised values win.
            build.Env = env;
            build.Root = root;
            host.Verbosity = build.Verbosity;

            var catalog = TargetCatalog.Discover(build);
            var invoked = commandLine.Targets.Count > 0 ? commandLine.Targets : defaultTargets;
            if (build.Help)
            {
                HelpPrinter.Print(output.Out, catalog, parameters, defaults, defaultTargets, environments);
                return new RunResult(ExitCode.Success, null, null);
            }
            if (invoked.Count == 0)
                throw new UsageException(EngineErrorCodes.UnknownTarget, "no target given and the build has no default target", "name a target; ./build.sh --help lists them");

            plan = ExecutionPlanner.Plan(catalog, invoked, build.Skip);
            if (build.Plan is { } format)
            {
                PlanPrinter.Print(plan, format, output.Out, root, settings.Secrets);
                return new RunResult(ExitCode.Success, null, plan);
            }

            var invocation = RunMemory.Invocation(commandLine);
            if (build.Continue) plan = RunMemory.Apply(root, invocation, plan, host);
            RequirementChecker.Check(plan, parameters, build.ParameterValues);
            var translator = build as IExceptionTranslator;
            await Preflight.RunAsync(plan, translator, cancellationToken);
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            telemetry = (build as IRunTelemetry)?.StartTelemetry(env, settings.EnvironmentVariables);
            var ci = BuildActivities.CiRun.From(settings.EnvironmentVariables, build.GetType().Name);
            var span = BuildActivities.StartRun(ci, env, settings.EnvironmentVariables);
            var executor = new TargetExecutor(host, settings.Time, translator) { Ci = ci };
            BuildOutcome outcome;
            try
            {
                outcome = await executor.RunAsync(plan, lifetime.Token, build as IEnvironmentLeaseProvider, env);
            }
            catch
            {
                BuildActivities.EndRun(span, null, ExitCode.TargetFailed);
                throw;
            }
            BuildActivities.EndRun(span, outcome, outcome.ExitCode);
            host.RunFinished(outcome);
            RunMemory.Save(root, invocation, outcome, settings.Secrets);
            return new RunResult(outcome.ExitCode, outcome, plan);
        }
        catch (BuildException e)
        {
            host.ReportException(e);
            return new RunResult(e.ExitCode, null, plan);
        }
        finally
        {
            // After the executor released the environment's lease: what the run opened once closes here, also on
            // failure and Ctrl-C.
            await build.DisposeRunScopedAsync();
            // Last: what the run and its session recorded leaves with it.
            if (telemetry is not null) await telemetry.DisposeAsync();
            await output.Out.FlushAsync(CancellationToken.None);
        }
    }

    public static string TargetName<T>(Expression<Func<T, Target>> selector) => selector.Body switch
    {
        MemberExpression member => member.Member.Name,
        _ => throw new ArgumentException($"A default target must be a target property, such as x => x.Compile; got {selector}.", nameof(selector)),
    };
}

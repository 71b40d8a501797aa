using System.Diagnostics;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Traffic.Routing;

/// <summary>
/// The local router as a process of its own, for a canary whose stages run in separate processes (CI's deployment
/// hooks): it outlives every stage and keeps the weights. Its state is one file, <c>router.json</c> in the
/// environment's folder (<c>.sluice/&lt;env&gt;/</c>), written by the router once it listens and removed by it once it
/// has drained. "Answers" below means its admin endpoint returns the weights within 5 s.
/// <list type="number">
/// <item><c>start</c>, no file: launch the router process (detached; its output in <c>router.log</c>); ready when it
/// has written the file with its own pid and answers. It listens on 127.0.0.1 only.</item>
/// <item><c>start</c>, a file whose router answers: SLU199, naming its address, pid and the file (exit 2).</item>
/// <item><c>start</c>, a file whose router does not answer: SLU198, naming the file, address and pid (exit 2).</item>
/// <item><c>start</c>, the launched process exits first (its port in use, SLU197; a version behind it down, SLU175)
/// or is not ready within 30 s: SLU148 quoting its error and naming its log (exit 2); nothing is left running.</item>
/// <item><c>status</c>, no file: SLU149 naming the file (exit 2).</item>
/// <item><c>status</c>, a file whose router answers: its address, pid, weights and whether each version is ready.</item>
/// <item><c>status</c>, a file whose router does not answer: SLU198 (exit 2).</item>
/// <item><c>stop</c>, no file: nothing to stop.</item>
/// <item><c>stop</c>, a file whose router answers: it stops taking requests, finishes those in flight, removes its
/// file and exits; one that has not within 15 s is killed by its pid and its file removed.</item>
/// <item><c>stop</c>, a file whose router does not answer: the stale file is removed, and said so.</item>
/// <item>A canary stage without <c>canary.router.admin</c>: a file whose router answers is driven through its admin
/// endpoint; one that does not answer is SLU198 before any traffic moves (exit 2); no file, the stage starts a
/// router in its own process as before.</item>
/// </list>
/// </summary>
public sealed class LocalRouterProcess
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    /// <param name="folder">The environment's folder, <c>.sluice/&lt;env&gt;</c>.</param>
    public LocalRouterProcess(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Folder = folder;
    }

    public string Folder { get; }

    public string StateFile => Path.Combine(Folder, "router.json");

    public string LogFile => Path.Combine(Folder, "router.log");

    /// <summary>Rules 1-4: launches <paramref name="command"/> (the program that then calls <see cref="ServeAsync"/>)
    /// detached, and returns once the router it started answers.</summary>
    public async Task<RouterState> StartAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (RouterState.Read(StateFile) is { } existing)
        {
            if (await AnswersAsync(existing, cancellationToken))
                throw SluiceException.Usage(ErrorCodes.RouterAlreadyRunning, $"a router is already running at {existing.Address} (pid {existing.Pid})",
                    "stop it first (Router --router stop), or use it as it is", StateFile);
            throw Stale(existing);
        }
        Directory.CreateDirectory(Folder);
        await File.WriteAllTextAsync(LogFile, "", cancellationToken);
        // exec: the shell becomes the router, so its pid is the router's; its output goes to the log, never to this
        // process's pipes (a reader of this command's output would otherwise wait for the router to end).
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", "exec \"$0\" \"$@\" </dev/null >>\"$SLUICE_ROUTER_LOG\" 2>&1" }.Concat(command)) start.ArgumentList.Add(argument);
        start.Environment["SLUICE_ROUTER_LOG"] = LogFile;
        using var process = Process.Start(start) ?? throw DidNotStart("could not be launched", command);
        var waited = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                if (ReadQuietly() is { } state && state.Pid == process.Id && await AnswersAsync(state, cancellationToken)) return state;
                if (process.HasExited) throw DidNotStart($"exited with code {process.ExitCode} before it was ready: {await ErrorOfAsync(cancellationToken)}", command);
                if (waited.Elapsed > ReadyTimeout)
                    throw DidNotStart($"was not ready within {ReadyTimeout.TotalSeconds:0} s: {await ErrorOfAsync(CancellationToken.None)}", command);
                await Task.Delay(100, cancellationToken);
            }
        }
        catch
        {
            // Not ready (timed out, cancelled, exited): nothing may stay running, and no file may name it.
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            if (ReadQuietly() is { } written && written.Pid == process.Id) File.Delete(StateFile);
            throw;
        }
    }

    /// <summary>What <c>start</c> launches: the router in this process until <c>stop</c> (or cancellation), then a
    /// drain. Its port in use is SLU197, a version that does not answer SLU175; the file is written only once both
    /// hold.</summary>
    public async Task<RouterState> ServeAsync(RouterOptions options, Action<RouterState> listening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listening);
        await using var router = await YarpTrafficRouter.StartAsync(options, cancellationToken);
        await router.CheckReachableAsync(cancellationToken);
        var state = new RouterState(router.Address, Environment.ProcessId, options.Baseline.ToString(), options.Canary.ToString(), options.StickySessions, DateTimeOffset.UtcNow);
        state.Write(StateFile);
        listening(state);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, router.StopRequested);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // asked to stop: drain below
        }
        finally
        {
            await router.DisposeAsync(); // Kestrel's graceful stop: no new connection, requests in flight finish
            if (ReadQuietly()?.Pid == Environment.ProcessId) File.Delete(StateFile);
        }
        return state;
    }

    /// <summary>Rules 5-7.</summary>
    public async Task<RouterStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var state = RouterState.Read(StateFile) ?? throw SluiceException.Usage(ErrorCodes.NoRouterCommand,
            "no local router was started for this environment", "start one: Router --router start", StateFile);
        using var remote = new RemoteYarpRouter(new Uri(state.Address));
        TrafficSplit split;
        try
        {
            split = await remote.CurrentAsync(cancellationToken);
        }
        catch (SluiceException e) when (e.Code == ErrorCodes.RouterAdminUnreachable)
        {
            throw Stale(state, e);
        }
        try
        {
            await remote.CheckReachableAsync(cancellationToken);
            return new RouterStatus(state, split, null);
        }
        catch (SluiceException e) when (e.Code == ErrorCodes.LocalRouterUnreachable)
        {
            return new RouterStatus(state, split, e.Message);
        }
    }

    /// <summary>Rules 8-10; says what it did.</summary>
    public async Task<string> StopAsync(CancellationToken cancellationToken)
    {
        if (RouterState.Read(StateFile) is not { } state) return $"no local router to stop ({StateFile} does not exist)";
        if (!await AnswersAsync(state, cancellationToken))
        {
            File.Delete(StateFile);
            return $"the router at {state.Address} (pid {state.Pid}) was not running: removed its stale file {StateFile}";
        }
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        using (var response = await http.PostAsync(new Uri(new Uri(state.Address), RouterAdmin.Prefix + "stop"), null, cancellationToken))
            response.EnsureSuccessStatusCode();
        var waited = Stopwatch.StartNew();
        while (File.Exists(StateFile) && waited.Elapsed < StopTimeout) await Task.Delay(100, cancellationToken);
        if (!File.Exists(StateFile)) return $"stopped the router at {state.Address} (pid {state.Pid}): it finished the requests in flight first";
        try
        {
            using var process = Process.GetProcessById(state.Pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // gone in the meantime
        }
        File.Delete(StateFile);
        return $"the router at {state.Address} (pid {state.Pid}) did not stop within {StopTimeout.TotalSeconds:0} s: killed it and removed {StateFile}";
    }

    /// <summary>Rule 11: the running router Sluice started for this environment, or null when there is none.</summary>
    public async Task<RemoteYarpRouter?> FindAsync(CancellationToken cancellationToken)
    {
        if (RouterState.Read(StateFile) is not { } state) return null;
        if (!await AnswersAsync(state, cancellationToken)) throw Stale(state);
        return new RemoteYarpRouter(new Uri(state.Address));
    }

    private static async Task<bool> AnswersAsync(RouterState state, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(state.Address, UriKind.Absolute, out var address) || !Loopback.Is(address)) return false;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(address, RouterAdmin.Prefix + "split"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private RouterState? ReadQuietly()
    {
        try
        {
            return RouterState.Read(StateFile);
        }
        catch (SluiceException)
        {
            return null; // being written
        }
    }

    /// <summary>The launched router's own error lines (its <c>error SLU…</c> headline and remedy), else its last lines.</summary>
    private async Task<string> ErrorOfAsync(CancellationToken cancellationToken)
    {
        var lines = File.Exists(LogFile) ? await File.ReadAllLinesAsync(LogFile, cancellationToken) : [];
        var errors = lines.Where(l => l.Contains("error SLU", StringComparison.Ordinal)).Distinct().ToList();
        var chosen = errors.Count > 0 ? errors : lines.Where(l => l.Trim().Length > 0).TakeLast(5).ToList();
        return chosen.Count == 0 ? "it printed nothing" : string.Join(" | ", chosen.Select(l => l.Trim()));
    }

    private SluiceException DidNotStart(string what, IReadOnlyList<string> command) =>
        SluiceException.Usage(ErrorCodes.RouterDidNotStart, $"the router process ({string.Join(' ', command)}) {what}",
            $"see its log {LogFile}; fix what it names and run Router --router start again", LogFile);

    private SluiceException Stale(RouterState state, Exception? inner = null) =>
        SluiceException.Usage(ErrorCodes.RouterFileStale,
            $"the local router at {state.Address} (pid {state.Pid}, started {state.StartedAt:u}) does not answer: it was killed or crashed",
            "run Router --router stop (it clears the stale file), then Router --router start; a canary under way is finished with --canary-stage finish once a router runs",
            StateFile, inner: inner);
}

/// <summary>What <c>Router --router status</c> shows: the router's file, its weights now, and why a version is not
/// ready (null: both are).</summary>
public sealed record RouterStatus(RouterState State, TrafficSplit Split, string? NotReady);

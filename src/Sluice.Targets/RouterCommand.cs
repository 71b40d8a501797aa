namespace Sluice.Targets;

/// <summary>What <c>Router --router X</c> does with the environment's local router process.</summary>
public enum RouterCommand
{
    /// <summary>Launches the router as a detached process on 127.0.0.1 for the environment's <c>canary.router</c>.</summary>
    Start,

    /// <summary>Asks it to stop: it finishes the requests in flight, then exits.</summary>
    Stop,

    /// <summary>Prints its address, pid, weights and whether each version is ready.</summary>
    Status,

    /// <summary>The router process itself, in the foreground until stopped (what <see cref="Start"/> launches).</summary>
    Serve,
}

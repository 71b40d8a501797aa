namespace Sluice.Build;

/// <summary>
/// Implemented by a build (or one of its components) whose targets act on environments. Before the first target
/// marked <c>.Environment()</c> runs, the engine takes the lease; it releases it when the run ends. A lease held
/// by someone else is reported by throwing <see cref="EnvironmentBusyException"/> (exit 3).
/// </summary>
public interface IEnvironmentLeaseProvider
{
    Task<IAsyncDisposable> AcquireEnvironmentLeaseAsync(string environment, string target, CancellationToken cancellationToken);
}

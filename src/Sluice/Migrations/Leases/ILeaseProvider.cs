using Sluice.Migrations.Journal;

namespace Sluice.Migrations.Leases;

/// <summary>One runner per environment: acquire or fail with a Busy <see cref="Errors.SluiceException"/> naming the holder.</summary>
public interface ILeaseProvider
{
    /// <summary>Takes the environment's lease for <paramref name="holder"/>; disposing the lease releases it.</summary>
    Task<IEnvironmentLease> AcquireAsync(string environment, RunnerIdentity holder, CancellationToken cancellationToken);

    /// <summary>The current holder, or null when the environment is free.</summary>
    Task<LeaseHolder?> ReadHolderAsync(string environment, CancellationToken cancellationToken);
}

/// <summary>A held lease. Its heartbeat runs in the background; <see cref="Lost"/> fires if it stops being ours.</summary>
public interface IEnvironmentLease : IAsyncDisposable
{
    LeaseHolder Holder { get; }

    /// <summary>Cancelled when the heartbeat finds the lease gone (connection lost, taken over): stop acting.</summary>
    CancellationToken Lost { get; }
}

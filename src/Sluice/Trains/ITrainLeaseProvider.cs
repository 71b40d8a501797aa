using Sluice.Environments;

namespace Sluice.Trains;

/// <summary>Takes an environment's train lease: one lock for the whole train, beside each member service's own lease,
/// so two trains never interleave their services' leases. Implemented by a session provider that can run trains.</summary>
public interface ITrainLeaseProvider
{
    /// <summary>Takes the train lease of <paramref name="request"/>'s environment; disposing it releases it. Throws Busy
    /// (exit 3) naming the holder when another train holds it.</summary>
    Task<IAsyncDisposable> AcquireTrainLeaseAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken);
}

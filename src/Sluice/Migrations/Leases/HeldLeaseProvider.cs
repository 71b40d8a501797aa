using Sluice.Migrations.Journal;

namespace Sluice.Migrations.Leases;

/// <summary>
/// Hands back a lease someone already holds, for work done under it: the runs of one Promote, or every target of a
/// build run whose engine took the environment's lease. Disposing what it hands back leaves the lease with its owner.
/// </summary>
/// <param name="lease">The held lease; null when none is held yet (asking then fails: nothing may act unleased).</param>
/// <param name="inner">Where the holder is read, and the lease was taken.</param>
public sealed class HeldLeaseProvider(Func<IEnvironmentLease?> lease, ILeaseProvider inner) : ILeaseProvider
{
    public HeldLeaseProvider(IEnvironmentLease lease, ILeaseProvider inner) : this(() => lease, inner)
    {
    }

    public Task<IEnvironmentLease> AcquireAsync(string environment, RunnerIdentity holder, CancellationToken cancellationToken)
    {
        var held = lease() ?? throw new InvalidOperationException(
            $"the lease of '{environment}' is not held: a target that acts on an environment declares .Environment(), and the engine takes its lease");
        if (held.Holder.Environment != environment)
            throw new InvalidOperationException($"the lease held is that of '{held.Holder.Environment}', not of '{environment}'");
        return Task.FromResult<IEnvironmentLease>(new Borrowed(held));
    }

    public Task<LeaseHolder?> ReadHolderAsync(string environment, CancellationToken cancellationToken) => inner.ReadHolderAsync(environment, cancellationToken);

    private sealed class Borrowed(IEnvironmentLease held) : IEnvironmentLease
    {
        public LeaseHolder Holder => held.Holder;

        public CancellationToken Lost => held.Lost;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the owner releases it
    }
}

namespace Sluice.Drills;

/// <summary>The service a drill restores: started against the working copy before the fault, asked after the
/// recovery until its health endpoint passes. The sample's is <c>samples/Shop</c> with <c>/health/ready</c>.</summary>
public interface IDrillService
{
    /// <summary>What messages call it, e.g. <c>shop</c>.</summary>
    string Name { get; }

    Task<IDrillServiceInstance> StartAsync(string connectionString, CancellationToken cancellationToken);
}

/// <summary>One running instance of the drilled service; disposing stops it.</summary>
public interface IDrillServiceInstance : IAsyncDisposable
{
    /// <summary>Returns once its health endpoint answers 2xx; throws a failure naming the last answer when it does not
    /// within its timeout.</summary>
    Task WaitHealthyAsync(CancellationToken cancellationToken);
}

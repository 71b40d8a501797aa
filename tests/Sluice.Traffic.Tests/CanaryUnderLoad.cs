using Sluice.Canary;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Postgres.Canary;
using Sluice.Traffic.Load;

namespace Sluice.Traffic.Tests;

/// <summary>One canary run with the load generator sending through the router until it ends, and the journaled canary
/// read back, whether it promoted or failed.</summary>
internal static class CanaryUnderLoad
{
    public static async Task<(CanaryResult? Result, SluiceException? Failure, CanaryRecord Canary)> RunAsync(
        CanaryRunner runner, PostgresCanaryJournal journal, LoadOptions load, string release, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var traffic = new LoadGenerator(load).RunAsync(stop.Token);
        try
        {
            var result = await runner.RunAsync(new CanaryContext("local", null, release), null, cancellationToken);
            return (result, null, (await journal.ReadAsync(1, cancellationToken)).Single());
        }
        catch (SluiceException e)
        {
            return (null, e, (await journal.ReadAsync(1, cancellationToken)).Single());
        }
        finally
        {
            await stop.CancelAsync();
            try { await traffic; } catch (OperationCanceledException) { }
        }
    }
}

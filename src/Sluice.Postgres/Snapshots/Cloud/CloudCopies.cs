using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;

namespace Sluice.Postgres.Snapshots.Cloud;

/// <summary>
/// Throwaway copies restored from a provider snapshot: made small and tagged, waited for until they answer, and
/// always deleted afterwards.
/// <list type="number">
/// <item>A copy is named <c>sluice-copy-&lt;snapshot id&gt;-&lt;4 hex&gt;</c> and tagged with the environment, the snapshot,
/// the run's tags, <see cref="CloudTags.CreatedAt"/> and (by the provider) <see cref="CloudTags.CopyOf"/>.</item>
/// <item>Before a copy is made, copies of the same source older than <c>max_copy_lifetime</c> are deleted (the sweep):
/// what an interrupted run left.</item>
/// <item>The work on a copy is cancelled when the copy reaches <c>max_copy_lifetime</c>.</item>
/// <item>The copy is deleted whatever happened: success, failure, cancellation (Ctrl-C) or the lifetime running out. The
/// delete runs with its own time limit and no cancellation, and waits until the provider no longer lists the copy as
/// available.</item>
/// <item>A copy that cannot be deleted is <c>SLU288</c>, naming it and the command that deletes it; when the work had
/// failed too, both are said and the work's failure is the inner one.</item>
/// </list>
/// </summary>
internal sealed class CloudCopies(ICloudSnapshotProvider provider, CloudSnapshotOptions options, TimeProvider clock)
{
    /// <summary>How long the delete of a copy may take to be accepted, after the run was cancelled or failed.</summary>
    private static readonly TimeSpan DeleteLimit = TimeSpan.FromMinutes(5);

    private readonly CloudOperationPoller _poller = new(options.Polling, clock);

    public async Task<T> WithCopyAsync<T>(SnapshotManifest manifest, string sourceConnectionString, Func<string, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var snapshot = manifest.ProviderSnapshot!;
        await SweepAsync(cancellationToken);
        var copy = $"sluice-copy-{manifest.Id.ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        var definition = options.Definition;
        var tags = new Dictionary<string, string>(options.Tags)
        {
            [CloudTags.Environment] = options.Environment,
            [CloudTags.Snapshot] = manifest.Id,
            [CloudTags.CreatedAt] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        using var lifetime = new CancellationTokenSource(definition.MaxCopyLifetime, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        Exception? failure = null;
        T result = default!;
        try
        {
            await provider.StartCopyAsync(snapshot, manifest.CreatedAt, copy, definition.EffectiveCopyClass(provider.Kind), tags, linked.Token);
            var ready = await _poller.WaitAsync($"{provider.Kind.ToString().ToLowerInvariant()} copy {copy}", ct => provider.DescribeCopyAsync(copy, ct),
                CloudState.Available, definition.OperationTimeout, linked.Token);
            var connection = CopyConnection(sourceConnectionString, ready);
            await WaitUntilAnsweringAsync(copy, connection, linked.Token);
            result = await work(connection, linked.Token);
        }
        catch (OperationCanceledException e) when (lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failure = new SluiceException(ErrorKind.Failure, ErrorCodes.CloudOperationTimedOut,
                $"copy {copy} reached its max_copy_lifetime of {Durations.Format(definition.MaxCopyLifetime)} before the work on it finished",
                "raise cloud.max_copy_lifetime for a large database (it bounds what a copy may cost)", inner: e);
        }
        catch (Exception e)
        {
            failure = e;
        }
        var left = await DeleteAsync(copy);
        if (left is not null)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudCopyLeft,
                $"{(failure is null ? "" : $"{failure.Message}; and ")}the copy {copy} could not be deleted: {left.Message}",
                $"delete it: {provider.DeleteCopyCommand(copy)} (the next verification's sweep also deletes it once it is older than max_copy_lifetime)",
                inner: failure ?? left);
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result;
    }

    /// <summary>Deletes this source's copies older than <c>max_copy_lifetime</c> (row 2); returns their names.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var swept = new List<string>();
        foreach (var copy in await provider.ListCopiesAsync(cancellationToken))
        {
            if (copy.State is CloudState.Deleting or CloudState.Gone) continue;
            var made = copy.Tags is { } tags && tags.TryGetValue(CloudTags.CreatedAt, out var text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : copy.CreatedAt;
            if (made is null || now - made.Value < options.Definition.MaxCopyLifetime) continue;
            await provider.DeleteCopyAsync(copy.Name, cancellationToken);
            swept.Add(copy.Name);
        }
        return swept;
    }

    private async Task<Exception?> DeleteAsync(string copy)
    {
        using var limit = new CancellationTokenSource(DeleteLimit, clock);
        try
        {
            await provider.DeleteCopyAsync(copy, limit.Token);
            await _poller.WaitAsync($"the delete of copy {copy}", async ct =>
            {
                var now = await provider.DescribeCopyAsync(copy, ct);
                return now.State is CloudState.Deleting ? now with { State = CloudState.Gone } : now;
            }, CloudState.Gone, DeleteLimit, limit.Token);
            return null;
        }
        catch (Exception e) when (e is SluiceException or OperationCanceledException or HttpRequestException)
        {
            return e;
        }
    }

    private string CopyConnection(string source, CloudResource copy)
    {
        if (options.CopyConnection is { } custom) return custom(source, copy);
        return new NpgsqlConnectionStringBuilder(source) { Host = copy.Host, Port = copy.Port ?? 5432, Pooling = false }.ConnectionString;
    }

    /// <summary>A restored instance is "available" a little before PostgreSQL accepts connections on it.</summary>
    private async Task WaitUntilAnsweringAsync(string copy, string connectionString, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var delay = options.Polling.FirstDelay;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (clock.GetElapsedTime(started) >= options.Definition.OperationTimeout)
                    throw new SluiceException(ErrorKind.Failure, ErrorCodes.CopyNotAnswering,
                        $"copy {copy} is available at the provider but did not answer a PostgreSQL connection in {Durations.Format(options.Definition.OperationTimeout)}: {e.Message}",
                        "check that the runner can reach the source's subnet and security groups (the copy gets the same ones)", inner: e);
                await Task.Delay(delay, clock, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Polling.MaxDelay.Ticks));
            }
        }
    }
}

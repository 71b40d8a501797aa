namespace Sluice.Postgres.Environments;

/// <summary>
/// An exclusive lock held by an open file, so two processes do not initialize or start one cluster at once.
/// <see cref="DeleteAndReleaseAsync"/> removes the file while it is still held (a teardown leaves nothing behind); a
/// waiter that then wins the removed file notices it is gone and locks a fresh one instead.
/// </summary>
internal sealed class LockFile : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private LockFile(FileStream stream, string path) => (_stream, _path) = (stream, path);

    public static async Task<LockFile> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!); // again each time: a teardown removes it
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                if (File.Exists(path)) return new LockFile(stream, path);
                await stream.DisposeAsync(); // removed by a teardown while we waited: lock the next one
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // held by another process: wait for it (cancellation ends the wait)
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
        }
    }

    /// <summary>Deletes the lock file, then releases it.</summary>
    public async ValueTask DeleteAndReleaseAsync()
    {
        File.Delete(_path);
        await _stream.DisposeAsync();
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

namespace Sluice.Postgres.Environments;

/// <summary>An exclusive lock held by an open file, so two processes do not initialize or start one cluster at once.</summary>
internal sealed class LockFile : IAsyncDisposable
{
    private readonly FileStream _stream;

    private LockFile(FileStream stream) => _stream = stream;

    public static async Task<LockFile> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return new LockFile(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // held by another process: wait for it (cancellation ends the wait)
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

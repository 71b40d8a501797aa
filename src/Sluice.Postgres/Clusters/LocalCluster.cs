using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Errors;

namespace Sluice.Postgres.Clusters;

/// <summary>
/// A PostgreSQL cluster run from the machine's binaries: <c>initdb</c> into a folder, start on 127.0.0.1 with its own
/// socket folder, stop, remove. Starting recovers from a stale <c>postmaster.pid</c> left by a killed server and from
/// port races with other clusters starting at the same time.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private const int StartAttempts = 6;
    private readonly PostgresToolchain _toolchain;
    private readonly LocalClusterOptions _options;
    private readonly string? _ownedRoot;

    public LocalCluster(PostgresToolchain toolchain, LocalClusterOptions options) : this(toolchain, options, ownedRoot: null)
    {
    }

    private LocalCluster(PostgresToolchain toolchain, LocalClusterOptions options, string? ownedRoot)
    {
        _toolchain = toolchain;
        _options = options;
        _ownedRoot = ownedRoot;
        DataDirectory = Path.GetFullPath(options.DataDirectory).TrimEnd('/');
        SocketDirectory = options.SocketDirectory ?? DefaultSocketDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>The unix-socket folder; short and under <c>/tmp</c> by default (socket paths are capped at 107 bytes).</summary>
    public string SocketDirectory { get; }

    /// <summary>The port the server listens on; known after <see cref="StartAsync"/>, or read from a running server's
    /// <c>postmaster.pid</c> by a cluster object that did not start it.</summary>
    public int Port
    {
        get => _port != 0 ? _port : RunningPostmaster()?.Port ?? 0;
        private set => _port = value;
    }

    private int _port;

    public string Superuser => _options.Superuser;

    public PostgresToolchain Toolchain => _toolchain;

    /// <summary>True when this is a throwaway cluster (no durability; removed on dispose).</summary>
    public bool Ephemeral => _options.Ephemeral;

    /// <summary>
    /// Creates, starts and returns a throwaway cluster in a fresh folder under <c>/tmp</c>; disposing it stops it and
    /// deletes the folder.
    /// </summary>
    public static async Task<LocalCluster> StartEphemeralAsync(PostgresToolchain toolchain, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        // Short on purpose: the socket lives in this folder and its path must stay under 107 bytes.
        var root = Path.Combine(Path.GetTempPath(), $"sluice-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(root);
        var cluster = new LocalCluster(toolchain, new LocalClusterOptions
        {
            DataDirectory = Path.Combine(root, "data"),
            SocketDirectory = root,
            Password = NewPassword(),
            Ephemeral = true,
            Settings = settings ?? new Dictionary<string, string>(),
        }, root);
        try
        {
            await cluster.InitializeAsync(cancellationToken);
            await cluster.StartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.RemoveAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>A random superuser password (hex, so it needs no quoting anywhere).</summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>True when the data folder holds an initialized cluster.</summary>
    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>Runs <c>initdb</c> unless the folder already holds a cluster. Throws <c>SLU011</c> when the folder
    /// cannot be created or written by the server's user.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (IsInitialized) return;
        await PrepareFoldersAsync(cancellationToken);

        // initdb reads the password from a file the server's user can read: the socket folder is that user's alone.
        var passwordFile = Path.Combine(SocketDirectory, $".pw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, _options.Password + "\n", cancellationToken);
        try
        {
            await _toolchain.Account.GiveAsync(passwordFile, cancellationToken);
            List<string> arguments =
            [
                "-D", DataDirectory, "-U", Superuser, $"--pwfile={passwordFile}",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions",
            ];
            if (Ephemeral) arguments.Add("--no-sync");
            var result = await _toolchain.RunServerProgramAsync("initdb", arguments, cancellationToken);
            if (!result.Succeeded)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.ClusterFolderUnusable, $"initdb failed in '{DataDirectory}': {result.Output}",
                    "check the folder's permissions and free space; delete it to start over");
        }
        finally
        {
            File.Delete(passwordFile);
        }
        await ClusterSettingsFile.IncludeAsync(DataDirectory, cancellationToken);
        _toolchain.Logger.LogInformation("initialized a PostgreSQL cluster in {DataDirectory}", DataDirectory);
    }

    /// <summary>
    /// Starts the server and waits until it accepts connections; a no-op when it is already running (then
    /// <see cref="Port"/> is the running server's). Removes a stale <c>postmaster.pid</c> first.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsInitialized)
            throw new InvalidOperationException($"'{DataDirectory}' holds no cluster; call {nameof(InitializeAsync)} first");
        if (RunningPostmaster() is { } running)
        {
            Port = running.Port ?? Port;
            return;
        }
        RemoveStaleLockFiles();
        await PrepareSocketDirectoryAsync(cancellationToken);

        string? lastFailure = null;
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            var port = ChoosePort(attempt);
            await ClusterSettingsFile.WriteAsync(DataDirectory, _options, port, SocketDirectory, cancellationToken);
            await _toolchain.Account.GiveAsync(Path.Combine(DataDirectory, ClusterSettingsFile.FileName), cancellationToken);
            var logStart = ServerLog.Length(DataDirectory);
            var result = await _toolchain.RunServerProgramAsync("pg_ctl",
                ["start", "-w", "-s", "-D", DataDirectory, "-l", ServerLog.PathIn(DataDirectory),
                 "-t", ((int)_options.StartTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                cancellationToken);
            if (result.Succeeded)
            {
                Port = port;
                _toolchain.Logger.LogDebug("started PostgreSQL on 127.0.0.1:{Port} from {DataDirectory}", port, DataDirectory);
                return;
            }

            var log = ServerLog.Since(DataDirectory, logStart);
            lastFailure = log.Length > 0 ? log : result.Output;
            if (log.Contains("Address already in use", StringComparison.Ordinal) && _options.Port is null)
                continue; // another process took the port between our probe and the server's bind
            if (log.Contains("pre-existing shared memory block", StringComparison.Ordinal)
                || log.Contains("lock file", StringComparison.Ordinal) && RunningPostmaster() is null)
            {
                // The backends of a killed postmaster are still exiting; they notice its death within moments.
                RemoveStaleLockFiles();
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
                continue;
            }
            break;
        }

        var portTaken = lastFailure?.Contains("Address already in use", StringComparison.Ordinal) == true && _options.Port is not null;
        throw new SluiceException(portTaken ? ErrorKind.Usage : ErrorKind.Failure, ErrorCodes.ClusterFailed,
            $"the PostgreSQL cluster in '{DataDirectory}' failed to start; server log:{Environment.NewLine}{Tail(lastFailure)}",
            portTaken ? $"port {_options.Port} is taken: free it or choose another port" : "read the server log above; fix the cause or delete the data folder to start over");
    }

    /// <summary>Stops the server with a fast shutdown (open sessions are ended); a no-op when it is not running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!IsInitialized) return;
        if (RunningPostmaster() is null)
        {
            RemoveStaleLockFiles();
            return;
        }
        NpgsqlConnection.ClearAllPools();
        var result = await _toolchain.RunServerProgramAsync("pg_ctl", ["stop", "-w", "-s", "-m", "fast", "-D", DataDirectory], cancellationToken);
        if (!result.Succeeded && RunningPostmaster() is not null)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ClusterFailed, $"could not stop the PostgreSQL cluster in '{DataDirectory}': {result.Output}");
    }

    /// <summary>Stops the server and deletes the data and socket folders.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await StopAsync(cancellationToken);
        DeleteIfExists(DataDirectory);
        DeleteIfExists(SocketDirectory);
        if (_ownedRoot is not null) DeleteIfExists(_ownedRoot);
    }

    /// <summary>True when a live postmaster serves this data folder.</summary>
    public bool IsRunning => RunningPostmaster() is not null;

    /// <summary>The running postmaster's process id, or null.</summary>
    public int? PostmasterPid => RunningPostmaster()?.Pid;

    /// <summary>An Npgsql connection string for <paramref name="database"/> over TCP on 127.0.0.1.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = _options.Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Ephemeral clusters are removed; persistent ones are left as they are (running or not).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Ephemeral) await RemoveAsync(CancellationToken.None);
    }

    private PostmasterPidFile? RunningPostmaster() =>
        PostmasterPidFile.Read(DataDirectory) is { } pidFile && pidFile.IsLivePostmaster() ? pidFile : null;

    private int ChoosePort(int attempt)
    {
        if (_options.Port is { } fixedPort) return fixedPort;
        if (attempt == 1 && _options.PreferredPort is { } preferred && FreePort.IsFree(preferred)) return preferred;
        return FreePort.Next();
    }

    /// <summary>Removes <c>postmaster.pid</c> and socket lock files whose process is gone (a SIGKILLed server's).</summary>
    private void RemoveStaleLockFiles()
    {
        if (PostmasterPidFile.Read(DataDirectory) is not { } pidFile || pidFile.IsLivePostmaster()) return;
        _toolchain.Logger.LogWarning("removing the stale postmaster.pid of process {Pid} in {DataDirectory}: it is not a live postmaster", pidFile.Pid, DataDirectory);
        File.Delete(Path.Combine(DataDirectory, PostmasterPidFile.FileName));
        if (Directory.Exists(SocketDirectory))
            foreach (var lockFile in Directory.EnumerateFiles(SocketDirectory, ".s.PGSQL.*"))
                File.Delete(lockFile);
    }

    /// <summary>An empty data folder and a socket folder the server's account owns: where initdb, or a
    /// base backup of another cluster (<see cref="StreamingReplica"/>), writes. SLU011 when unusable.</summary>
    internal async Task PrepareFoldersAsync(CancellationToken cancellationToken)
    {
        await PrepareDataDirectoryAsync(cancellationToken);
        await PrepareSocketDirectoryAsync(cancellationToken);
    }

    /// <summary>The superuser's password: a standby copied from this cluster has the same one.</summary>
    internal string Password => _options.Password;

    private async Task PrepareDataDirectoryAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Directory.Exists(DataDirectory) && Directory.EnumerateFileSystemEntries(DataDirectory).Any())
                throw SluiceException.Usage(ErrorCodes.ClusterFolderUnusable, $"the cluster data folder '{DataDirectory}' is not empty and holds no PostgreSQL cluster",
                    "empty or delete it, or choose another data_dir");
            await CreateServerFolderAsync(DataDirectory, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(e.Message, e);
        }
        if (!await _toolchain.Account.CanWriteAsync(DataDirectory, cancellationToken))
            throw NotWritable($"the '{_toolchain.Account}' user cannot write it", null);
    }

    private SluiceException NotWritable(string why, Exception? inner) =>
        SluiceException.Usage(ErrorCodes.ClusterFolderUnusable, $"the cluster data folder '{DataDirectory}' is not writable: {why}",
            _toolchain.Account.UsesRunuser
                ? $"choose a data_dir the '{_toolchain.Account.RunAs}' user can reach (every parent folder needs o+x), e.g. under the repository or /tmp"
                : "choose a data_dir you can write, or fix its permissions",
            inner: inner);

    private async Task PrepareSocketDirectoryAsync(CancellationToken cancellationToken)
    {
        if (Encoding.UTF8.GetByteCount(SocketDirectory) + ".s.PGSQL.65535.lock".Length + 1 > 107)
            throw SluiceException.Usage(ErrorCodes.ClusterFolderUnusable, $"the socket folder '{SocketDirectory}' is too long for a unix socket path (107 bytes)",
                "choose a shorter socket folder under /tmp");
        await CreateServerFolderAsync(SocketDirectory, cancellationToken);
    }

    /// <summary>A folder only the server's account may use (PostgreSQL refuses a data folder others can read).</summary>
    private async Task CreateServerFolderAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await _toolchain.Account.GiveAsync(folder, cancellationToken);
    }

    /// <summary>A short socket folder under /tmp, stable for a data folder so a persistent cluster keeps it.</summary>
    public static string DefaultSocketDirectory(string dataDirectory)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory)));
        return Path.Combine("/tmp", $"sluice-{Convert.ToHexStringLower(hash.AsSpan(0, 4))}");
    }

    private static string Tail(string? text, int lines = 20)
    {
        var all = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static void DeleteIfExists(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

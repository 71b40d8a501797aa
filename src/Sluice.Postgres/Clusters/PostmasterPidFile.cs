namespace Sluice.Postgres.Clusters;

/// <summary>
/// <c>postmaster.pid</c>: line 1 the pid, 2 the data folder, 4 the port, 5 the socket folder. A server killed with
/// SIGKILL leaves it behind; when its pid is not a live postmaster of this data folder the file is stale.
/// </summary>
internal sealed record PostmasterPidFile(int Pid, string DataDirectory, int? Port)
{
    public const string FileName = "postmaster.pid";

    public static PostmasterPidFile? Read(string dataDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(dataDirectory, FileName));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (lines.Length == 0 || !int.TryParse(lines[0], out var pid)) return new PostmasterPidFile(0, dataDirectory, null);
        int? port = lines.Length > 3 && int.TryParse(lines[3], out var p) ? p : null;
        return new PostmasterPidFile(pid, dataDirectory, port);
    }

    /// <summary>True when <see cref="Pid"/> is a running (not zombie) postgres process serving this data folder.
    /// Reads <c>/proc</c>; elsewhere a live pid is taken at its word.</summary>
    public bool IsLivePostmaster()
    {
        if (Pid <= 0) return false;
        if (!OperatingSystem.IsLinux()) return ProcessExists(Pid);
        var proc = $"/proc/{Pid}";
        try
        {
            // A SIGKILLed postmaster may linger as a zombie when nothing reaps it; kill(pid, 0) would call it alive.
            var state = File.ReadLines($"{proc}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
            if (state.Contains('Z') || state.Contains('X')) return false;
            var arguments = File.ReadAllText($"{proc}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return arguments.Length > 0
                && Path.GetFileName(arguments[0]) is "postgres" or "postmaster"
                && arguments.Contains(Path.GetFullPath(DataDirectory).TrimEnd('/'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

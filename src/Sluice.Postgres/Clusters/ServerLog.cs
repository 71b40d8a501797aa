namespace Sluice.Postgres.Clusters;

/// <summary>The server's log file (<c>pg_ctl -l</c>), kept in the data folder because only the server's user can write there.</summary>
internal static class ServerLog
{
    public const string FileName = "sluice-server.log";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>The last <paramref name="lines"/> lines, for error messages.</summary>
    public static string Tail(string dataDirectory, int lines = 20)
    {
        try
        {
            var all = File.ReadAllLines(PathIn(dataDirectory));
            return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "(no server log)";
        }
    }

    /// <summary>Where the current start attempt's lines begin, so a retry reads only its own lines.</summary>
    public static long Length(string dataDirectory)
    {
        var info = new FileInfo(PathIn(dataDirectory));
        return info.Exists ? info.Length : 0;
    }

    public static string Since(string dataDirectory, long offset)
    {
        try
        {
            using var stream = new FileStream(PathIn(dataDirectory), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

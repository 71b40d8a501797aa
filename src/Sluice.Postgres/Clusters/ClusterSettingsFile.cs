using System.Globalization;
using System.Text;

namespace Sluice.Postgres.Clusters;

/// <summary>
/// <c>sluice.conf</c> in the data folder, included from <c>postgresql.conf</c> and rewritten before every start so the
/// port and socket folder can change between runs without editing the server's own file.
/// </summary>
internal static class ClusterSettingsFile
{
    public const string FileName = "sluice.conf";
    private const string IncludeLine = "include_if_exists = 'sluice.conf'";

    /// <summary>Adds the include line to <c>postgresql.conf</c> once, after initdb.</summary>
    public static async Task IncludeAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var main = Path.Combine(dataDirectory, "postgresql.conf");
        var text = await File.ReadAllTextAsync(main, cancellationToken);
        if (!text.Contains(IncludeLine, StringComparison.Ordinal))
            await File.AppendAllTextAsync(main, $"{Environment.NewLine}# Written by Sluice: port, sockets, durability.{Environment.NewLine}{IncludeLine}{Environment.NewLine}", cancellationToken);
    }

    public static Task WriteAsync(string dataDirectory, LocalClusterOptions options, int port, string socketDirectory,
        CancellationToken cancellationToken)
    {
        var settings = new List<(string Key, string Value)>
        {
            // Loopback only: a local cluster is never reachable from another machine.
            ("listen_addresses", "127.0.0.1"),
            ("port", port.ToString(CultureInfo.InvariantCulture)),
            ("unix_socket_directories", socketDirectory),
            ("max_connections", "200"),
        };
        if (options.Ephemeral)
            settings.AddRange([("fsync", "off"), ("synchronous_commit", "off"), ("full_page_writes", "off"),
                // No replicas and no archive: a table filled in the transaction that created or truncated it writes no WAL.
                ("wal_level", "minimal"), ("max_wal_senders", "0")]);
        settings.AddRange(options.Settings.Select(kv => (kv.Key, kv.Value)));

        var text = new StringBuilder("# Rewritten by Sluice before every start; put your own settings in postgresql.auto.conf (ALTER SYSTEM).\n");
        foreach (var (key, value) in settings) text.Append(key).Append(" = ").Append(Quote(value)).Append('\n');
        return File.WriteAllTextAsync(Path.Combine(dataDirectory, FileName), text.ToString(), cancellationToken);
    }

    private static string Quote(string value) => $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'";
}

using Npgsql;

namespace Sluice.Postgres.Clusters;

/// <summary>
/// A base backup of a running local cluster taken through the server's own backup functions (PostgreSQL's "low level
/// API": <c>pg_backup_start</c>, a file copy of the data folder, <c>pg_backup_stop</c>) instead of <c>pg_basebackup</c>.
/// It needs no client program, so it serves every supported major, where a <c>pg_basebackup</c> refuses a server newer
/// than itself and the npm packages of PostgreSQL 14–18 ship none. The copy leaves out what <c>pg_basebackup</c> leaves
/// out (the WAL, which the standby streams through its slot from the backup's start, the primary's replication slots,
/// runtime state and temporary files), and gets the <c>backup_label</c> the stop returns, which makes the standby
/// replay from the backup's start checkpoint rather than the later one its copied <c>pg_control</c> names.
/// </summary>
internal static class ServerBaseBackup
{
    /// <summary>Folders whose contents are runtime state, rebuilt by the server (basebackup.c's excludeDirContents): copied
    /// empty. <c>pg_wal</c> keeps its subfolders (<c>archive_status</c>, 17's <c>summaries</c>), empty too; a copied
    /// <c>pg_replslot</c> entry would be read as a slot of the standby's own.</summary>
    private static readonly HashSet<string> EmptiedFolders = new(StringComparer.Ordinal)
        { "pg_wal", "pg_stat_tmp", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans" };

    /// <summary>Files of the running primary that a copy must not carry (basebackup.c's excludeFiles).</summary>
    private static readonly HashSet<string> SkippedFiles = new(StringComparer.Ordinal)
        { "postmaster.pid", "postmaster.opts", "pg_internal.init", "backup_label", "tablespace_map", "backup_manifest", "current_logfiles", "postgresql.auto.conf.tmp" };

    /// <summary>Copies <paramref name="primary"/> (running, <c>wal_level</c> replica) into the empty
    /// <paramref name="targetDirectory"/>. Throws <see cref="PostgresException"/> or <see cref="IOException"/> on failure.</summary>
    public static async Task CopyAsync(LocalCluster primary, string targetDirectory, CancellationToken cancellationToken)
    {
        await using var session = new NpgsqlConnection(primary.ConnectionString());
        await session.OpenAsync(cancellationToken);
        // 15 renamed the functions and dropped the exclusive mode; both take a fast checkpoint here.
        var modern = session.PostgreSqlVersion.Major >= 15;
        await using (var start = new NpgsqlCommand(modern ? "SELECT pg_backup_start($1, true)" : "SELECT pg_start_backup($1, true, false)", session))
        {
            start.Parameters.Add(new() { Value = "sluice replica" });
            await start.ExecuteNonQueryAsync(cancellationToken);
        }
        string label, tablespaceMap;
        try
        {
            CopyFolder(primary.DataDirectory, targetDirectory, top: true);
        }
        finally
        {
            // Always ends the backup, so a failed copy does not leave the primary in backup mode (forcing full-page writes).
            await using var stop = new NpgsqlCommand(modern ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)" : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)", session);
            // Not cancellable: a cancelled copy must still end the backup mode.
            await using var reader = await stop.ExecuteReaderAsync(CancellationToken.None);
            await reader.ReadAsync(CancellationToken.None);
            (label, tablespaceMap) = (reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1));
        }
        await File.WriteAllTextAsync(Path.Combine(targetDirectory, "backup_label"), label, cancellationToken);
        if (tablespaceMap.Length > 0)
            await File.WriteAllTextAsync(Path.Combine(targetDirectory, "tablespace_map"), tablespaceMap, cancellationToken);
    }

    private static void CopyFolder(string source, string target, bool top)
    {
        Directory.CreateDirectory(target);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var name = entry.Name;
            var to = Path.Combine(target, name);
            // A relation file dropped while the copy runs is gone from the backup as well: the WAL replay knows.
            try
            {
                if (entry is DirectoryInfo folder)
                {
                    if (name.StartsWith("pgsql_tmp", StringComparison.Ordinal)) continue;
                    if (top && name == "pg_wal") CopySubfoldersOnly(folder, to);
                    else if (top && EmptiedFolders.Contains(name)) Directory.CreateDirectory(to);
                    else CopyFolder(folder.FullName, to, top: false);
                }
                else if (!SkippedFiles.Contains(name) && !name.StartsWith("pgsql_tmp", StringComparison.Ordinal))
                    File.Copy(entry.FullName, to);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
            }
        }
    }

    private static void CopySubfoldersOnly(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var folder in source.EnumerateDirectories())
            CopySubfoldersOnly(folder, Path.Combine(target, folder.Name));
    }
}

namespace Sluice.Postgres.Binaries;

/// <summary>The platform families whose install command we know.</summary>
public enum HostPlatform
{
    Debian,
    MacOs,
    Other,
}

/// <summary>Names the host platform and the one-line command that installs PostgreSQL on it.</summary>
public static class HostPlatforms
{
    public static HostPlatform Detect()
    {
        if (OperatingSystem.IsMacOS()) return HostPlatform.MacOs;
        if (OperatingSystem.IsLinux() && (File.Exists("/etc/debian_version") || OsReleaseMentionsDebian())) return HostPlatform.Debian;
        return HostPlatform.Other;
    }

    public static string InstallHint(HostPlatform platform) => platform switch
    {
        HostPlatform.Debian => "install it: sudo apt-get install -y postgresql-15",
        HostPlatform.MacOs => "install it: brew install postgresql@15",
        _ => "install PostgreSQL 15 or newer with your system's package manager, or set SLUICE_PG_BIN to the folder holding initdb, pg_ctl and postgres",
    };

    private static bool OsReleaseMentionsDebian()
    {
        try
        {
            return File.ReadLines("/etc/os-release").Any(line =>
                (line.StartsWith("ID=", StringComparison.Ordinal) || line.StartsWith("ID_LIKE=", StringComparison.Ordinal))
                && (line.Contains("debian", StringComparison.Ordinal) || line.Contains("ubuntu", StringComparison.Ordinal)));
        }
        catch (IOException)
        {
            return false;
        }
    }
}

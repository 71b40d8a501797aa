using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Sluice.Postgres.Databases;

/// <summary>
/// <c>sluice_eph_&lt;yyyyMMddHHmmss&gt;_&lt;8 hex&gt;</c>: the creation time (UTC) is in the name so a sweep can
/// find leftovers of crashed runs without any bookkeeping table.
/// </summary>
public static partial class EphemeralDatabaseName
{
    public const string Prefix = "sluice_eph_";
    private const string TimestampFormat = "yyyyMMddHHmmss";

    public static string New(DateTimeOffset createdAt) =>
        $"{Prefix}{createdAt.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>Reads the creation time from a name; false for any other name.</summary>
    public static bool TryParse(string name, out DateTimeOffset createdAt)
    {
        createdAt = default;
        var match = Pattern().Match(name);
        if (!match.Success) return false;
        if (!DateTime.TryParseExact(match.Groups["time"].Value, TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            return false;
        createdAt = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    [GeneratedRegex(@"^sluice_eph_(?<time>\d{14})_[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

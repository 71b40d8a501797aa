using System.Globalization;
using System.Security.Cryptography;

namespace Sluice.Snapshots;

/// <summary>Snapshot ids sort by time: <c>20261126T154500Z-1a2b3c</c>.</summary>
public static class SnapshotIds
{
    public static string New(DateTimeOffset createdAt) =>
        $"{createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>The time a <see cref="New"/> id was made at; null for an id of another shape.</summary>
    public static DateTimeOffset? TimeOf(string id) =>
        id.Length >= 16 && DateTimeOffset.TryParseExact(id[..16], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    /// <summary>True for a name that can be a snapshot folder (no separators, no dots at the start).</summary>
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= 64 && !id.StartsWith('.') && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The default folder of an environment's snapshots: <c>&lt;root&gt;/.sluice/snapshots/&lt;env&gt;</c>.</summary>
    public static string DefaultFolder(string root, string environment) => Path.Combine(root, ".sluice", "snapshots", environment);
}

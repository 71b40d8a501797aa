using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Postgres.Migrations;

/// <summary>How journal enums are spelled in the database: lowercase words, readable in psql.</summary>
internal static class JournalText
{
    public static string Of(JournalStatus status) => status.ToString().ToLowerInvariant();

    public static string Of(PhaseKind kind) => kind.ToString().ToLowerInvariant();

    public static JournalStatus Status(string text) => Enum.Parse<JournalStatus>(text, ignoreCase: true);

    public static PhaseKind Kind(string text) => Enum.Parse<PhaseKind>(text, ignoreCase: true);

    /// <summary>Event kinds are stored snake_case (<c>lease_taken_over</c>).</summary>
    public static string Of(JournalEventKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static JournalEventKind EventKind(string text) => Enum.Parse<JournalEventKind>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    /// <summary>PostgreSQL interval text of a timeout, in whole milliseconds; zero means no limit.</summary>
    public static string Milliseconds(TimeSpan? timeout) =>
        $"{(long)(timeout ?? TimeSpan.Zero).TotalMilliseconds}ms";
}

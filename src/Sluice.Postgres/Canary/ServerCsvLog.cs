using System.Globalization;

namespace Sluice.Postgres.Canary;

/// <summary>
/// The records of a PostgreSQL csvlog (<c>log_destination = 'csvlog'</c>): the columns a canary reads of each line.
/// Fields are quoted with doubled quotes and may hold newlines; a last record cut short by a write in progress is
/// left for the next read.
/// </summary>
internal static class ServerCsvLog
{
    // Column positions of the csvlog format (PostgreSQL 13 and later).
    private const int LogTime = 0, SessionId = 5, Severity = 11, SqlState = 12, Message = 13, ApplicationName = 22;

    public static IEnumerable<CsvLogRecord> Parse(string text)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count > ApplicationName && Time(fields[LogTime]) is { } time)
                    yield return new CsvLogRecord(time, fields[SessionId], fields[Severity], fields[SqlState], fields[Message], fields[ApplicationName]);
                fields.Clear();
            }
            else field.Append(c);
        }
    }

    /// <summary><c>2026-12-01 10:00:00.123 UTC</c>: the server writes its <c>log_timezone</c>'s abbreviation, which
    /// only UTC (and GMT) name unambiguously; null for any other zone, which <see cref="DatabaseMetricSource"/> refuses.</summary>
    internal static DateTimeOffset? Time(string text)
    {
        var space = text.LastIndexOf(' ');
        if (space < 0 || text[(space + 1)..] is not ("UTC" or "GMT")) return null;
        return DateTimeOffset.TryParseExact(text[..space], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}

internal sealed record CsvLogRecord(DateTimeOffset Time, string SessionId, string Severity, string SqlState, string Message, string ApplicationName);

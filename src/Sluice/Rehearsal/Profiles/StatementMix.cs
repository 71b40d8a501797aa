using System.Text.Json.Serialization;

namespace Sluice.Rehearsal.Profiles;

/// <summary>
/// The statements production ran on the profiled tables, as <c>pg_stat_statements</c> normalises them: shapes with
/// <c>$1</c> placeholders, counts and times, never a parameter or a row. Rehearsal replays them at their rate and
/// compares its plans with <see cref="StatementShape.Plan"/>.
/// </summary>
/// <param name="Readable">Whether the profile could read <c>pg_stat_statements</c>; when false, <paramref name="Unreadable"/> says why and there are no statements.</param>
/// <param name="Unreadable">Why the statement mix is missing (not installed, not preloaded, not permitted).</param>
/// <param name="WindowSeconds">How long the counts cover: between two readings, or since <c>pg_stat_statements_info.stats_reset</c>.</param>
/// <param name="WindowFrom"><c>readings</c> (two readings apart) or <c>stats_reset</c>.</param>
/// <param name="Statements">The top statements touching the profiled tables, most called first.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StatementMix(bool Readable, string? Unreadable, double WindowSeconds, string WindowFrom, IReadOnlyList<StatementShape> Statements)
{
    public const string FromReadings = "readings";
    public const string FromStatsReset = "stats_reset";

    /// <summary>A profile of a database whose statistics could not be read: said in the profile, never a failed profile.</summary>
    public static StatementMix Missing(string why) => new(false, why, 0, FromReadings, []);
}

/// <summary>One normalised statement and its traffic.</summary>
/// <param name="Id"><c>queryid</c> as text (stable for one server version).</param>
/// <param name="Query">The normalised text: constants are <c>$1</c>, <c>$2</c>, ...</param>
/// <param name="Tables">The profiled tables its plan reads or writes (schema-qualified).</param>
/// <param name="Calls">Calls in the window.</param>
/// <param name="MeanMilliseconds">Mean execution time.</param>
/// <param name="Rows">Rows returned or affected in the window.</param>
/// <param name="CallsPerSecond">Calls over the window's length.</param>
/// <param name="Plan">The generic plan's shape (<see cref="Traffic.PlanShape"/>), null when it could not be explained.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StatementShape(
    string Id,
    string Query,
    IReadOnlyList<string> Tables,
    long Calls,
    double MeanMilliseconds,
    long Rows,
    double CallsPerSecond,
    IReadOnlyList<string>? Plan = null);

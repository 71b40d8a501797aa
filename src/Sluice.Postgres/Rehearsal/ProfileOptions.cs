using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>How a data profile is read.</summary>
/// <param name="Source">The name recorded in the profile (the environment's name; never a connection string).</param>
/// <param name="Sensitive">Columns whose values are replaced by tokens.</param>
/// <param name="Analyze">Run ANALYZE first so pg_stats is current (it only updates statistics).</param>
/// <param name="StatisticsTarget">The session's <c>default_statistics_target</c> for that ANALYZE (more MCVs and buckets); null keeps the server's.</param>
/// <param name="ExactCountBelow">Tables whose estimated size is below this are counted with <c>count(*)</c>; larger ones use <c>reltuples</c>.</param>
/// <param name="StatementWindow">How long to watch <c>pg_stat_statements</c> between two readings for the statement
/// mix's rates; zero takes the counts since the view's <c>stats_reset</c>.</param>
/// <param name="TopStatements">How many of the most called statements on the profiled tables to record.</param>
public sealed record ProfileOptions(
    string Source,
    SensitiveColumns? Sensitive = null,
    bool Analyze = true,
    int? StatisticsTarget = null,
    long ExactCountBelow = 1_000_000,
    TimeSpan StatementWindow = default,
    int TopStatements = 20);

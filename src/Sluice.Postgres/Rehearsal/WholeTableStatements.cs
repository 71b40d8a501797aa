using Npgsql;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Profiling and generating read or write whole tables (ANALYZE, counts, the children-per-parent join, COPY, key
/// builds): their time grows with the table, so Npgsql's default 30 s command timeout cut a 10M-row profile on a busy
/// machine. Their connections carry no client timeout; the server's statement_timeout still applies.
/// </summary>
internal static class WholeTableStatements
{
    public static string ConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
}

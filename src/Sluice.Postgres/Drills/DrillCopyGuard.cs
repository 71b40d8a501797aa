using Npgsql;
using Sluice.Errors;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Drills;

/// <summary>A drill breaks what it acts on, so it acts only on a copy: a database that is not the environment's (same
/// server and name), checked before anything is made or changed.</summary>
internal static class DrillCopyGuard
{
    /// <summary>Refuses (SLU316, exit 2) when the copies made on <paramref name="environmentConnectionString"/>'s server
    /// could be its database: it is itself named like a throwaway copy, so a copy or a sweep of them could be it.</summary>
    public static void EnsureCopiesCannotBe(string environmentConnectionString, string environment)
    {
        var database = new NpgsqlConnectionStringBuilder(environmentConnectionString).Database ?? "";
        if (database.StartsWith(EphemeralDatabaseName.Prefix, StringComparison.Ordinal))
            throw Refused(environment, $"its database '{database}' is named like a drill's throwaway copy ({EphemeralDatabaseName.Prefix}*)");
    }

    /// <summary>Refuses (SLU316, exit 2) when <paramref name="copyConnectionString"/> is the environment's database.</summary>
    public static void EnsureNotEnvironment(string environmentConnectionString, string copyConnectionString, string environment)
    {
        var (a, b) = (new NpgsqlConnectionStringBuilder(environmentConnectionString), new NpgsqlConnectionStringBuilder(copyConnectionString));
        if (string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Database == b.Database)
            throw Refused(environment, $"the copy would be {a.Host}:{a.Port}/{a.Database}, the environment's own database");
    }

    private static SluiceException Refused(string environment, string why) => SluiceException.Usage(ErrorCodes.DrillCopyIsEnvironment,
        $"refusing to drill '{environment}': {why}; a drill breaks the database it acts on",
        "a drill runs only on a throwaway copy: point the environment at its real database, or drill another environment");
}

using Sluice.Errors;

namespace Sluice.Rehearsal.Profiles;

/// <summary>
/// A profile of a database without a single user table describes nothing a rehearsal could use: it is what profiling
/// the wrong database gives (a service name that is not the database's, an environment pointed elsewhere). It is
/// refused rather than written, so a good profile on disk is never replaced by an empty one. A database whose tables
/// hold no rows yet is a real (new) environment and is profiled.
/// </summary>
public static class EmptyProfile
{
    /// <param name="database">Where the profile was read, without credentials (<c>127.0.0.1:5433/shop</c>).</param>
    /// <param name="service">The service whose profile this was to be.</param>
    public static void Refuse(DataProfile profile, string database, string? service)
    {
        if (profile.Tables.Count > 0) return;
        var whose = service is null ? "the service's" : $"service '{service}''s";
        throw SluiceException.Usage(ErrorCodes.EmptyDatabase,
            $"database {database} of environment '{profile.Source}' holds no tables (outside pg_catalog, information_schema and sluice), so it cannot be {whose} database; no profile was written",
            "point the environment at the service's database (the 'database' key of a local environment, or --database), or load the service's schema first (Migrate)");
    }
}

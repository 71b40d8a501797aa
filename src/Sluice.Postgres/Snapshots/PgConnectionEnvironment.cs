using Npgsql;

namespace Sluice.Postgres.Snapshots;

/// <summary>
/// Hands a connection to pg_dump and pg_restore through libpq's environment variables, so the password never
/// appears on a command line (where <c>ps</c> shows it) or in an error message that echoes the command.
/// </summary>
internal static class PgConnectionEnvironment
{
    public static IReadOnlyDictionary<string, string> For(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = b.Host ?? "localhost",
            ["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = b.Database ?? "postgres",
            ["PGAPPNAME"] = "sluice-snapshot",
        };
        if (!string.IsNullOrEmpty(b.Username)) environment["PGUSER"] = b.Username;
        if (!string.IsNullOrEmpty(b.Password)) environment["PGPASSWORD"] = b.Password;
        if (b.SslMode != SslMode.Prefer) environment["PGSSLMODE"] = b.SslMode.ToString().ToLowerInvariant() switch
        {
            "verifyca" => "verify-ca",
            "verifyfull" => "verify-full",
            var mode => mode,
        };
        return environment;
    }

    /// <summary>Where a connection goes, without credentials: <c>127.0.0.1:5433/shop</c>.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }
}

using Sluice.Build.Ci;

namespace Sluice.Targets;

/// <summary>
/// A CI job that talks to a PostgreSQL 15 service container of its own instead of an environment's database: a
/// rehearsal on a pull request, which must not receive the credentials of any environment. The job gets the container
/// and <c>--database</c> pointing at it (<c>SLUICE_DATABASE</c>), which takes the place of the <c>Database</c> secret.
/// <code>new CiJob("Rehearse").WithPostgres()</code>
/// </summary>
public static class PostgresServiceContainer
{
    /// <summary>The container: the official image, its superuser's password, the server's port, ready once <c>pg_isready</c> says so.</summary>
    public static CiServiceContainer Container { get; } = new("postgres", "postgres:15")
    {
        Environment = new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = "postgres" },
        Ports = ["5432:5432"],
        HealthCheck = new CiHealthCheck("pg_isready") { Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(5), Retries = 10 },
    };

    /// <summary>How the job reaches <see cref="Container"/>: a throwaway server's superuser, no environment's secret.</summary>
    public const string ConnectionString = "Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    /// <summary>This job with <see cref="Container"/> beside it and <c>--database</c> pointing at it.</summary>
    public static CiJob WithPostgres(this CiJob job) =>
        job.WithService(Container).WithParameter(nameof(ISluiceComponent.Database), ConnectionString);
}

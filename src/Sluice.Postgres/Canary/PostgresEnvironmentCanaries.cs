using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Secrets;

namespace Sluice.Postgres.Canary;

/// <summary>A session's canary providers on its one pool and connection string.</summary>
internal sealed class PostgresEnvironmentCanaries(NpgsqlDataSource pool, string connectionString, ISecretRedactor redactor,
    Observability.SluiceTelemetry? telemetry) : IEnvironmentCanaries
{
    public ICanaryJournal Journal { get; } = new PostgresCanaryJournal(pool, redactor);

    public IMetricSource Database(CanaryDefinition definition) => new DatabaseMetricSource(connectionString, definition);

    public IDivergenceProbe Divergence { get; } = new PostgresDivergenceProbe(connectionString);

    public Observability.SluiceTelemetry? Telemetry => telemetry;
}

namespace Sluice.Postgres.Fingerprints;

/// <summary>What a database fingerprint covers and how it reads.</summary>
/// <param name="ExcludedSchemas">Schemas left out; <c>pg_*</c> schemas are always left out.</param>
/// <param name="Chunks">Chunks per table (split points from the key's <c>pg_stats.histogram_bounds</c>).</param>
/// <param name="Degree">Connections that read at once (each imports the same snapshot).</param>
public sealed record FingerprintOptions(IReadOnlyList<string> ExcludedSchemas, int Chunks = 64, int Degree = 2)
{
    public static IReadOnlyList<string> DefaultExcludedSchemas { get; } = ["pg_catalog", "information_schema", "sluice"];

    public static FingerprintOptions Default { get; } = new(DefaultExcludedSchemas);
}

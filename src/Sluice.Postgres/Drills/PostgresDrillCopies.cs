using Sluice.Drills;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Drills;

/// <summary>A drill's working and reference copy; disposing drops both, the working one first.</summary>
internal sealed class PostgresDrillCopies(PostgresDrillCopy working, PostgresDrillCopy reference, string source) : IDrillCopies
{
    public IDrillCopy Working => working;

    public IDrillCopy Reference => reference;

    public string Source => source;

    public Task<DiffReport> DiffAsync(CancellationToken cancellationToken) =>
        new PostgresFingerprints().DiffAsync(reference.ConnectionString, working.ConnectionString, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await working.DisposeAsync();
        }
        finally
        {
            await reference.DisposeAsync();
        }
    }
}

using Npgsql;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Snapshots;

/// <summary>The source's <c>server_version</c>, read in the snapshot's own read session, for its manifest.</summary>
internal static class ServerVersion
{
    public static Task<string> ReadAsync(ReadSession session, CancellationToken cancellationToken) =>
        session.RunAsync(async c =>
        {
            await using var show = new NpgsqlCommand("SHOW server_version", c);
            return (string)(await show.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
}

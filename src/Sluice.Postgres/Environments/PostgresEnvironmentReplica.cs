using Npgsql;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Environments;

/// <summary>A local environment's streaming replica as a session sees it: its position, and the fingerprint check that
/// proves the primary's database and the standby's copy equal once replayed.</summary>
internal sealed class PostgresEnvironmentReplica(StreamingReplica replica, string primaryConnectionString) : IEnvironmentReplica
{
    private readonly string _database = new NpgsqlConnectionStringBuilder(primaryConnectionString).Database!;

    public string Location => $"127.0.0.1:{replica.Standby.Port}";

    public async Task<ReplicaStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var position = await replica.PositionAsync(cancellationToken);
        return new ReplicaStatus(Location, position.Streaming, position.ReplayLag, position.BytesBehind, position.ReplayPaused);
    }

    public async Task<string> VerifyAsync(CancellationToken cancellationToken)
    {
        await replica.WaitForReplayAsync(cancellationToken);
        var diff = await new PostgresFingerprints().DiffAsync(primaryConnectionString, replica.Standby.ConnectionString(_database), cancellationToken);
        if (!diff.AreEqual)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ReplicaDiverged,
                $"the replica on {Location} differs from the primary after replaying its WAL position: {diff.Render()}",
                "the standby no longer follows the primary faithfully: rebuild it (Teardown the environment's replica folder, then run again) and check the primary's data");
        return $"the replica on {Location} replayed the primary's WAL position and its fingerprint equals the primary's ({diff.Tables.Count} table(s))";
    }
}

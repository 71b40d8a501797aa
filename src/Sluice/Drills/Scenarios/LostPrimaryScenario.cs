using System.Globalization;

namespace Sluice.Drills.Scenarios;

/// <summary><c>lost-primary</c>: the primary server crashes while the service writes; the recovery promotes the
/// streaming standby, which the service's connection string already names. Both copies receive the same committed
/// writes just before the crash, so the expected state holds them all and the rows the standby never received are the
/// data lost (asynchronous replication loses the WAL still in flight; zero where it had caught up). The primary must
/// commit synchronously to its own WAL: a WAL sender streams only flushed WAL, so under <c>synchronous_commit = off</c>
/// the commits just before the crash never left the primary's memory and every run lost all of them (measured: 1,000 of
/// 1,000 lost; pg_stat_replication's sent_lsn stopped at the primary's flush position, behind its written WAL). The crash
/// reports the primary's flushed position and the bytes of it the standby had not received.</summary>
public sealed class LostPrimaryScenario : IDrillScenario
{
    private const string Table = "public.sluice_drill_writes";
    private const int Writes = 1000;
    private const int Batch = 100;

    public string Name => "lost-primary";

    public string Fault => "the primary server is lost (crash, host gone, unreachable) while its streaming standby follows it";

    public string Recovery => "promote the standby and point the service at it (its connection string names both servers, read-write wanted), then fingerprints compared";

    public DrillNeeds Needs => DrillNeeds.Replica | DrillNeeds.VerifiedSnapshot;

    public async Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var standby = StandbyOf(setting);
        var create = $"CREATE TABLE {Table} (id bigint PRIMARY KEY, note text NOT NULL)";
        await setting.Working.ExecuteAsync(create, cancellationToken);
        await setting.Reference.ExecuteAsync(create, cancellationToken);
        await standby.WaitForReplayAsync(cancellationToken);
        return $"standby {standby.Location} caught up with the working copy";
    }

    public async Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var standby = StandbyOf(setting);
        // Committed in transactions of a hundred, as a service writes; the crash follows the last commit at once, so
        // the rows lost are whole transactions the standby had not received.
        for (var from = 1; from <= Writes; from += Batch)
        {
            var insert = $"INSERT INTO {Table} SELECT g, 'committed before the crash' FROM generate_series({from}, {from + Batch - 1}) g";
            await setting.Reference.ExecuteAsync(insert, cancellationToken);
            await setting.Working.ExecuteAsync(insert, cancellationToken);
        }
        var lost = await standby.LosePrimaryAsync(cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"{Writes:N0} rows committed to {Table} in {Writes / Batch} transactions, then {lost}");
    }

    public async Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken) =>
        await StandbyOf(setting).PromoteAsync(cancellationToken);

    private static IDrillStandby StandbyOf(DrillSetting setting) =>
        setting.Working.Standby ?? throw new InvalidOperationException("the lost-primary drill needs a working copy with a standby (DrillNeeds.Replica)");
}

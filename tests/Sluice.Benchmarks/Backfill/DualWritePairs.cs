using Npgsql;

namespace Sluice.Benchmarks.Backfill;

/// <summary>
/// The dual-write cost (issue 20 item 2) read the way <see cref="PairedWindows"/> reads the backfill's: on one copy,
/// with one writer load running throughout, the sync trigger is switched off and on every <see cref="PairedWindows.Slice"/>,
/// and each pair compares the writes due while it was off with those due while it was on right after. Two separate
/// 10 s windows minutes apart measured mostly the server's drift (0.2x to 5.2x in one session).
/// <c>ALTER TABLE ... DISABLE/ENABLE TRIGGER</c> waits for the writers' open transactions and holds theirs back for that
/// moment, so the first <see cref="PairedWindows.Settle"/> of each span is left out on both sides.
/// </summary>
internal sealed class DualWritePairs
{
    public const int Count = 10;

    /// <summary>Each pair: the span with the trigger off (the baseline), then the span with it on.</summary>
    public List<(Window Without, Window With)> Pairs { get; } = [];

    public async Task RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        for (var i = 0; i < Count; i++)
        {
            await SwitchAsync(connection, "DISABLE", cancellationToken);
            var without = await PairedWindows.SettledSliceAsync(cancellationToken);
            await SwitchAsync(connection, "ENABLE", cancellationToken);
            Pairs.Add((without, await PairedWindows.SettledSliceAsync(cancellationToken)));
        }
    }

    public WindowPairs.Reading Split(IReadOnlyList<WriteSample> writes) => WindowPairs.Split(Pairs, writes);

    private static async Task SwitchAsync(NpgsqlConnection connection, string how, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"ALTER TABLE customers {how} TRIGGER customers_sync_name", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

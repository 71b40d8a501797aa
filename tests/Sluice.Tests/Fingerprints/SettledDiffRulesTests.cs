using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

/// <summary>The rows of <see cref="SettledDiff"/>'s table, each on a scripted sequence of passes.</summary>
public sealed class SettledDiffRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TableDiff Table(string name, long[] changed, long? changedCount = null, bool whole = false) => new()
    {
        Source = name, Target = name, SourceRows = 100, TargetRows = 100,
        Changed = changedCount ?? changed.Length, ChangedSample = [.. changed.Select(k => RowKey.Of(k.ToString(System.Globalization.CultureInfo.InvariantCulture)))],
        WholeTableDiffers = whole, Locatable = !whole,
    };

    private static async Task<DiffReport> SettleAsync(params DiffReport[] passes)
    {
        var next = 0;
        return await new SettledDiff(TimeSpan.FromMilliseconds(30), Rechecks: passes.Length - 1).RunAsync(_ => Task.FromResult(passes[Math.Min(next++, passes.Length - 1)]), Ct);
    }

    [Fact]
    public async Task Row1_a_key_is_reported_only_when_every_pass_finds_it()
    {
        var settled = await SettleAsync(DiffReport.ForTables(Table("t", [1, 2, 3])), DiffReport.ForTables(Table("t", [2, 3, 4])), DiffReport.ForTables(Table("t", [3, 5])));
        var t = settled.Tables.Single();
        Assert.Equal([RowKey.Of("3")], t.ChangedSample);
        Assert.Equal(1, t.Changed);
        Assert.Equal(2, settled.Settling!.Transient);
        Assert.Equal(3, settled.Settling.Passes);
    }

    [Fact]
    public async Task Row2_a_table_with_more_keys_than_a_pass_lists_is_shown_as_last_seen_and_named_unsettled()
    {
        var settled = await SettleAsync(DiffReport.ForTables(Table("t", [1], changedCount: 50_000)), DiffReport.ForTables(Table("t", [2], changedCount: 40_000)));
        Assert.Equal(40_000, settled.Tables.Single().Changed);
        Assert.Equal(["t"], settled.Settling!.Unsettled);
        Assert.Contains("too many keys to re-check one by one in t", settled.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Row3_a_table_without_a_key_is_reported_only_when_it_differs_in_every_pass()
    {
        var transient = await SettleAsync(DiffReport.ForTables(Table("t", [], whole: true)), DiffReport.ForTables(Table("t", [])));
        Assert.True(transient.AreEqual, transient.Render());
        var persistent = await SettleAsync(DiffReport.ForTables(Table("t", [], whole: true)), DiffReport.ForTables(Table("t", [], whole: true)));
        Assert.True(persistent.Tables.Single().WholeTableDiffers);
    }

    [Fact]
    public async Task Row4_schema_changes_and_one_sided_tables_are_as_the_last_pass_saw_them()
    {
        var settled = await SettleAsync(new DiffReport([], [Table("t", [1])], ["only_here"], []), new DiffReport([], [Table("t", [])], ["only_here"], []));
        Assert.Equal(["only_here"], settled.OnlyInSource);
        Assert.Equal(0, settled.Tables.Single().Changed);
    }

    [Fact]
    public async Task A_first_pass_with_nothing_to_recheck_ends_at_once()
    {
        var settled = await new SettledDiff(TimeSpan.FromHours(1)).RunAsync(_ => Task.FromResult(DiffReport.ForTables(Table("t", []))), Ct);
        Assert.Equal(1, settled.Settling!.Passes);
    }
}

using System.Text.Json;
using Sluice.Build;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Targets;

namespace Repository.Tests;

/// <summary>
/// Two services on one local cluster (issue 23): the sample's shop and billing, whose switch requires shop's switch.
/// Through the command line, in-process: a bad requires: entry exits 2 with file and line; billing alone is blocked by
/// the dependency gate until shop's switch is done; the train orders the phases across both; a failure late in the
/// train rolls both services back, their schema and data fingerprints equal to those from before.
/// </summary>
public sealed class ReleaseTrainTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ThrowawayRoot _root = NewRoot();

    public void Dispose() => _root.Dispose();

    private static ThrowawayRoot NewRoot()
    {
        var root = new ThrowawayRoot("sluice-train-", withPipelines: true);
        root.CopyIn(Path.Combine("pipelines", "billing"), Path.Combine("pipelines", "billing"));
        return root;
    }

    private string BillingPlan => Path.Combine(_root.Path, "pipelines", "billing", "migrations", "0001_split_invoice_name", "plan.yaml");

    /// <summary>Promote, seeding and Status: what a team with two services composes.</summary>
    private sealed class TwoServiceBuild : SluiceBuild, IPromote, ISeedSchema, IStatus
    {
    }

    private async Task<(ExitCode Exit, string Output)> RunAsync(string arguments)
    {
        var output = new StringWriter();
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(["--root", _root.Path]).ToList();
        var result = await BuildRunner.RunAsync(new TwoServiceBuild(), new RunSettings(args, new Dictionary<string, string>(), _root.Path, output), [], Ct);
        return (result.ExitCode, output.ToString());
    }

    private async Task<string> FingerprintAsync(string service)
    {
        var print = await new PostgresFingerprints().TakeAsync(_root.LocalConnectionString(service), Ct);
        return print.Schema.Hash + "\n" + JsonSerializer.Serialize(print.Data.Tables.Where(t => !t.Source.StartsWith("sluice.", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("shop/0001_split_customer_name", "SLU300")]
    [InlineData("billing/0001_split_invoice_name@add_split_columns", "SLU305")]
    [InlineData("shipping/0001_split_customer_name@read_split_name", "SLU301")]
    [InlineData("shop/0002_missing@read_split_name", "SLU302")]
    [InlineData("shop/0001_split_customer_name@no_such_phase", "SLU303")]
    public async Task A_bad_requires_entry_exits_2_with_file_and_line_before_anything_runs(string entry, string code)
    {
        File.WriteAllText(BillingPlan, File.ReadAllText(BillingPlan).Replace("- shop/0001_split_customer_name@read_split_name", $"- {entry}", StringComparison.Ordinal));
        var line = File.ReadAllLines(BillingPlan).ToList().FindIndex(l => l.Contains(entry, StringComparison.Ordinal)) + 1;

        foreach (var arguments in new[] { "Promote --env local --service billing", "Promote --env local --services all" })
        {
            var run = await RunAsync(arguments);
            Assert.True(run.Exit == ExitCode.UsageError, run.Output);
            Assert.Contains($"error {code}", run.Output);
            Assert.Contains($"plan.yaml:{line}", run.Output);
        }
        Assert.False(Directory.Exists(Path.Combine(_root.Path, ".sluice", "local")), "a usage error started the local cluster");
    }

    [Fact]
    public async Task The_dependency_gate_blocks_billing_until_shops_switch_is_done_and_the_train_orders_both_then_Status_shows_it()
    {
        var seeded = await RunAsync("SeedSchema --env local --services all");
        Assert.True(seeded.Exit == ExitCode.Success, seeded.Output);
        var billingBefore = await FingerprintAsync("billing");

        var alone = await RunAsync("Promote --env local --service billing --skip SeedSchema");
        Assert.True(alone.Exit == ExitCode.TargetFailed, alone.Output);
        Assert.Matches(@"dependencies\s*\|\s*fail", alone.Output);
        Assert.Contains("0001_split_invoice_name@read_split_name requires shop/0001_split_customer_name@read_split_name", alone.Output);
        Assert.Contains("./build.sh Promote --env local --service shop --migration 0001_split_customer_name", alone.Output);
        Assert.Equal(billingBefore, await FingerprintAsync("billing")); // blocked: nothing of billing ran

        var train = await RunAsync("Promote --env local --services all");
        Assert.True(train.Exit == ExitCode.Success, train.Output);
        string[] order =
        [
            "train step 1/8: billing/0001_split_invoice_name@add_split_columns",
            "train step 2/8: shop/0001_split_customer_name@add_split_columns",
            "train step 3/8: shop/0001_split_customer_name@backfill_split_name",
            "train step 4/8: shop/0001_split_customer_name@index_last_name",
            "train step 5/8: shop/0001_split_customer_name@read_split_name",
            "train step 6/8: billing/0001_split_invoice_name@read_split_name",
            "train step 7/8: billing/0001_split_invoice_name@drop_full_name",
            "train step 8/8: shop/0001_split_customer_name@drop_full_name",
        ];
        var at = order.Select(step => train.Output.IndexOf(step, StringComparison.Ordinal)).ToList();
        Assert.All(at, i => Assert.True(i >= 0, train.Output));
        Assert.Equal(at.Order().ToList(), at);
        Assert.Contains("runs earlier in this train", train.Output);
        Assert.Contains("train on 'local' done: 8 phase(s) of billing, shop", train.Output);

        var status = await RunAsync("Status --env local --service billing");
        Assert.True(status.Exit == ExitCode.Success, status.Output);
        Assert.Matches(@"last train [0-9a-f]{8} on local: completed, services billing, shop", status.Output);
        Assert.Contains(" 6. billing/0001_split_invoice_name@read_split_name", status.Output);

        var again = await RunAsync("Promote --env local --services all");
        Assert.True(again.Exit == ExitCode.Success, again.Output);
        Assert.Contains("nothing to promote", again.Output);
    }

    [Fact]
    public async Task A_failure_late_in_the_train_rolls_both_services_back_latest_first_with_fingerprints_as_before()
    {
        var seeded = await RunAsync("SeedSchema --env local --services all");
        Assert.True(seeded.Exit == ExitCode.Success, seeded.Output);
        var before = (Shop: await FingerprintAsync("shop"), Billing: await FingerprintAsync("billing"));
        // The injected failure: billing's contract fails after shop's switch and billing's switch are done.
        File.AppendAllText(Path.Combine(Path.GetDirectoryName(BillingPlan)!, "03_drop_full_name.up.sql"), "\nSELECT 1 / 0;\n");

        var train = await RunAsync("Promote --env local --services all");

        Assert.True(train.Exit == ExitCode.TargetFailed, train.Output);
        Assert.Contains("error SLU306", train.Output);
        Assert.Contains("train on 'local' failed at billing/0001_split_invoice_name@drop_full_name", train.Output);
        Assert.Contains("rolled back automatically, latest first: billing/0001_split_invoice_name (3 phase(s)), shop/0001_split_customer_name (4 phase(s))", train.Output);
        Assert.DoesNotContain("shop/0001_split_customer_name@drop_full_name", train.Output.Split("rolling back")[0].Split("train step 7/8")[0]);
        Assert.Equal(before.Shop, await FingerprintAsync("shop"));
        Assert.Equal(before.Billing, await FingerprintAsync("billing"));

        var status = await RunAsync("Status --env local --service shop");
        Assert.Matches(@"last train [0-9a-f]{8} on local: rolled_back, services billing, shop", status.Output);
    }
}

using System.Diagnostics;

namespace Repository.Tests.Packages;

/// <summary>
/// Adopting Sluice as a team would (issue 17): from the packed packages and template only, a new repository for a
/// <c>billing</c> service whose first <c>Promote --env local</c> seeds its empty database from
/// <c>pipelines/billing/schema</c> and promotes, in at most five commands (<c>dotnet new</c> included) and two minutes,
/// compile included (the figure is in docs/adopting.md); then Status, Rollback, Rehearse and GenerateCi each succeed,
/// and a gate's remedy names only targets the build has.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class AdoptionTests(PackedPackages packages) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly NewRepository _billing = new("sluice-adopt-", "billing");

    public void Dispose() => _billing.Dispose();

    [Fact]
    public async Task From_dotnet_new_to_a_first_Promote_in_few_commands_then_Status_Rollback_Rehearse_and_GenerateCi()
    {
        await _billing.CreateAsync(packages, Ct); // the template installed from the packed package (done once per machine)
        Directory.Delete(_billing.Root, recursive: true);
        Directory.CreateDirectory(_billing.Root);

        // What the user types, timed: 1. dotnet new sluice, 2. ./build.sh Promote --env local.
        var clock = Stopwatch.StartNew();
        var created = await _billing.NewAsync(Ct);
        Assert.True(created.ExitCode == 0, created.Output);
        var promote = await _billing.BuildAsync("Promote --env local", Ct);
        var firstPromote = clock.Elapsed;
        Assert.True(promote.ExitCode == 0, promote.Output);
        Assert.Contains("loaded 1 schema file(s) from pipelines/billing/schema", promote.Output);
        Assert.Contains("promoted 1 plan(s) to 'local'", promote.Output);
        TestContext.Current.TestOutputHelper?.WriteLine($"dotnet new sluice + first Promote --env local: 2 commands, {firstPromote.TotalSeconds:F0} s (uptime: {File.ReadAllText("/proc/loadavg").Trim()})");
        Assert.True(firstPromote < TimeSpan.FromMinutes(2), $"from dotnet new to a first Promote took {firstPromote}");

        var status = await _billing.BuildAsync("Status --env local", Ct);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("0001_add_item_note", status.Output);

        var rollback = await _billing.BuildAsync("Rollback --env local", Ct);
        Assert.True(rollback.ExitCode == 0, rollback.Output);

        var rehearse = await _billing.BuildAsync("Rehearse --env local --workload-runs 1", Ct);
        Assert.True(rehearse.ExitCode == 0, rehearse.Output);

        var again = await _billing.BuildAsync("Promote --env local", Ct);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("holds tables already", again.Output); // seeded once, never again

        var ci = await _billing.BuildAsync("GenerateCi", Ct);
        Assert.True(ci.ExitCode == 0, ci.Output);
        Assert.True(File.Exists(Path.Combine(_billing.Root, ".nuke", "build.schema.json")), "GenerateCi did not write the schema first");
    }
}

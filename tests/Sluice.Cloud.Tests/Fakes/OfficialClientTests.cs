using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Fakes;

/// <summary>
/// A fake must satisfy the provider's own client, so it cannot drift from the real API: the client's script under
/// <c>tests/validators/cloud</c> drives it (throttled at first) through every call Sluice makes and its error shapes,
/// and must end with no copy left. Each provider's test says how its world starts and how the script is called.
/// </summary>
public abstract class OfficialClientTests<TEnvironment>(PostgresFixture postgres) where TEnvironment : FakeCloudEnvironment
{
    protected abstract Task<TEnvironment> StartAsync(PostgresFixture fixture, CancellationToken ct);

    /// <summary>The throttling the client must ride out.</summary>
    protected abstract FakeThrottle Throttle();

    /// <summary>The script and its arguments.</summary>
    protected abstract Task<IReadOnlyList<string>> ScriptAsync(TEnvironment env, CancellationToken ct);

    /// <summary>What else must hold once the script is done.</summary>
    protected virtual void AfterwardsHolds(TEnvironment env)
    {
    }

    [Fact]
    public async Task Fake_satisfies_the_official_client_including_throttling_and_error_shapes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await StartAsync(postgres, ct);
        var throttle = env.Cloud.Throttle = Throttle();
        await CloudValidators.Folder.EnsureInstalledAsync(ct);

        var (code, output) = await CloudValidators.Folder.RunAsync("node", [.. await ScriptAsync(env, ct)], ct);

        Assert.True(code == 0, output);
        Assert.Contains("all checks passed", output);
        Assert.Equal(0, throttle.Count);
        Assert.Empty(env.Cloud.Copies);
        AfterwardsHolds(env);
    }
}

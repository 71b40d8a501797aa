using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// Which database a service's run uses on the local environment, through the real build: the choice is printed, a
/// Profile of a database without tables fails naming it (exit 2) instead of writing an empty profile, and SeedSample
/// loads the shop's schema only into the shop's own database.
/// </summary>
public sealed class DatabaseChoiceCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-dbchoice-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public DatabaseChoiceCommandLineTests() =>
        Directory.CreateDirectory(Path.Combine(Root, "pipelines", "billing", "migrations")); // a second service, no plans yet

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    [Fact]
    public async Task Another_services_run_uses_its_own_database_says_so_is_not_seeded_and_its_empty_profile_fails()
    {
        var profile = await _throwaway.BuildAsync("Profile --env local --service billing", Ct);

        Assert.True(profile.ExitCode == 2, profile.Output);
        Assert.Contains("using database billing for service billing (named after the service; set \"database\"", profile.Output);
        Assert.Contains("SeedSample seeds only the sample service 'shop'", profile.Output);
        Assert.Contains("error SLU125", profile.Output);
        Assert.Matches(@"database 127\.0\.0\.1:\d+/billing of environment 'local' holds no tables", profile.Output);
        Assert.False(File.Exists(Path.Combine(Root, "pipelines", "billing", "profiles", "local.json")), "an empty profile was written");
        Assert.Equal(0L, await ScalarAsync<long>("billing", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));

        var shop = await _throwaway.BuildAsync("Profile --env local --service shop", Ct);

        Assert.True(shop.ExitCode == 0, shop.Output);
        Assert.Contains("using database shop for service shop", shop.Output);
        Assert.Matches(@"loaded pipelines/shop/schema/0000_base\.sql into 127\.0\.0\.1:\d+/shop", shop.Output);
        Assert.Matches(@"profile of local: [1-9]\d* table\(s\)", shop.Output);
        Assert.Equal(0L, await ScalarAsync<long>("billing", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task SeedSample_refuses_a_database_key_pointing_at_another_services_tables()
    {
        Assert.True((await _throwaway.BuildAsync("Provision --env local", Ct)).ExitCode == 0);
        await ExecuteAsync("postgres", "CREATE DATABASE billing");
        await ExecuteAsync("billing", "CREATE TABLE invoices (id bigint PRIMARY KEY)");
        File.WriteAllText(Path.Combine(Root, ".nuke", "parameters.local.json"), """{ "environment": { "provider": "local", "database": "billing" } }""");

        var seed = await _throwaway.BuildAsync("SeedSample --env local --service shop", Ct);

        Assert.True(seed.ExitCode == 2, seed.Output);
        Assert.Contains("using database billing for service shop (the 'database' key of environment 'local')", seed.Output);
        Assert.Contains("error SLU126", seed.Output);
        Assert.Contains("public.invoices", seed.Output);
        Assert.Equal(0L, await ScalarAsync<long>("billing", "SELECT count(*) FROM pg_tables WHERE tablename = 'customers'"));
    }

    private Task<T> ScalarAsync<T>(string database, string sql) => TestSql.ScalarAsync<T>(Unpooled(database), sql, Ct);

    private Task ExecuteAsync(string database, string sql) => TestSql.ExecuteAsync(Unpooled(database), sql, Ct);

    // Unpooled: an idle connection of the test's would keep the database from being dropped or cloned by the build.
    private string Unpooled(string database) => _throwaway.LocalConnectionString(database) + ";Pooling=false";
}

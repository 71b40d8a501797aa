using Npgsql;
using Sluice.Postgres.Binaries;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Without_binaries_the_fixture_fails_with_the_install_command_instead_of_skipping()
    {
        using var empty = new TempFolder();
        var fixture = new FixtureWithoutBinaries(new PostgresBinaryFinder(new PostgresSearch
        {
            AskPgConfig = false,
            VersionedRoots = [empty.Path],
            PathVariable = "",
            Platform = HostPlatform.Debian,
        }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.InitializeAsync());

        Assert.Contains("SLU010", error.Message);
        Assert.Contains("sudo apt-get install -y postgresql-15", error.Message);
        await fixture.DisposeAsync();
    }

    [Fact]
    public async Task The_template_refuses_connections_so_clones_never_collide_with_a_session()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(postgres.Cluster.ConnectionString(PostgresFixture.TemplateName));

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync(ct));

        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, error.SqlState);
    }

    private sealed class FixtureWithoutBinaries(PostgresBinaryFinder finder) : PostgresFixture(finder);
}

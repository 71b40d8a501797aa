using Npgsql;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

public sealed class SmokeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_clone_answers_queries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var query = new NpgsqlCommand("SELECT current_database()", connection);
        Assert.Equal(database.Name, await query.ExecuteScalarAsync(ct));
    }
}

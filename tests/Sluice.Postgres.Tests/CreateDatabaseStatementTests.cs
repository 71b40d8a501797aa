using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

/// <summary>A template clone's SQL follows the server's version: <c>STRATEGY</c> from 15, none on 14 (which refuses it).</summary>
public sealed class CreateDatabaseStatementTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(14, CloneStrategy.FileCopy, "CREATE DATABASE \"d\" TEMPLATE \"t\"")]
    [InlineData(14, CloneStrategy.WalLog, "CREATE DATABASE \"d\" TEMPLATE \"t\"")]
    [InlineData(15, CloneStrategy.FileCopy, "CREATE DATABASE \"d\" TEMPLATE \"t\" STRATEGY FILE_COPY")]
    [InlineData(18, CloneStrategy.WalLog, "CREATE DATABASE \"d\" TEMPLATE \"t\" STRATEGY WAL_LOG")]
    public void The_strategy_clause_is_written_only_for_servers_that_take_it(int major, CloneStrategy strategy, string expected) =>
        Assert.Equal(expected, CreateDatabaseStatement.Text(major, "d", "t", strategy));

    [Fact]
    public async Task The_statement_for_this_server_runs_on_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = new NpgsqlConnection(postgres.AdminConnectionString);
        await admin.OpenAsync(ct);
        var name = $"sluice_cds_{Guid.NewGuid():N}";
        await using (var create = new NpgsqlCommand(CreateDatabaseStatement.For(admin, name, PostgresFixture.TemplateName, CloneStrategy.WalLog, owner: admin.UserName), admin))
            await create.ExecuteNonQueryAsync(ct);
        await using var drop = new NpgsqlCommand($"DROP DATABASE \"{name}\"", admin);
        await drop.ExecuteNonQueryAsync(ct);
    }
}

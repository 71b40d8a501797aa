using Npgsql;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

/// <summary>A confined ephemeral database: its own role can change that database and nothing of the cluster.</summary>
public sealed class ConfinedDatabaseTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("DROP DATABASE IF EXISTS {victim}")]
    [InlineData("CREATE DATABASE sluice_intruder")]
    [InlineData("ALTER DATABASE {victim} RENAME TO sluice_intruder")]
    [InlineData("CREATE ROLE sluice_intruder")]
    [InlineData("ALTER ROLE postgres NOSUPERUSER")]
    [InlineData("ALTER SYSTEM SET work_mem = '1GB'")]
    [InlineData("CREATE TABLESPACE sluice_intruder LOCATION '/tmp'")]
    [InlineData("GRANT pg_read_server_files TO CURRENT_USER")]
    public async Task Its_role_is_refused_every_statement_that_acts_on_the_cluster(string statement)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var victim = await postgres.CreateDatabaseAsync(ct);
        await using var confined = await postgres.Databases.CreateConfinedAsync(ct);
        await using var connection = await confined.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(statement.Replace("{victim}", $"\"{victim.Name}\"", StringComparison.Ordinal), connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(ct));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.True(await TestSql.DatabaseExistsAsync(postgres.AdminConnectionString, victim.Name, ct));
    }

    [Fact]
    public async Task Its_role_owns_its_database_and_both_are_gone_after_disposal()
    {
        var ct = TestContext.Current.CancellationToken;
        string role;
        await using (var confined = await postgres.Databases.CreateConfinedAsync(ct))
        {
            role = confined.Role!.Name;
            await using var connection = await confined.OpenConnectionAsync(ct);
            await using var work = new NpgsqlCommand("""
                CREATE SCHEMA sluice; CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);
                ALTER TABLE t ADD COLUMN v text; CREATE INDEX ON t (v);
                SELECT current_user || ':' || (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
                """, connection);
            Assert.Equal($"{role}:{role}", await work.ExecuteScalarAsync(ct));
            Assert.DoesNotContain(confined.Role.Password, confined.Role.ToString());
        }

        Assert.False(await TestSql.RoleExistsAsync(postgres.AdminConnectionString, role, ct));
        Assert.False(await TestSql.DatabaseExistsAsync(postgres.AdminConnectionString, role, ct));
    }
}

using Npgsql;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>
/// The drift trap of a new repository (issue 17): a rollback that leaves an empty schema records no expectation, an
/// empty expectation recorded before that rule expects nothing, AcceptSchema records the live schema with who and
/// why; and a role without CREATEDB is told the grant.
/// </summary>
public sealed class SchemaAdoptionTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rollback_that_left_an_empty_schema_records_nothing_and_loading_the_schema_is_no_drift()
    {
        await using var empty = await postgres.CreateEmptyDatabaseAsync(Ct);
        await using var release = new PostgresReleaseDatabase(empty.ConnectionString);

        Assert.False(await release.Expectations.RecordAsync("local", ExpectationOrigin.Rollback, "rollback of 0001_add_item_note", Ct));
        await TestSql.ExecuteAsync(empty.ConnectionString, "CREATE TABLE example_items (id bigint PRIMARY KEY, name text NOT NULL)", Ct);
        var drift = await release.Expectations.ReadAsync("local", Ct);
        var gate = await new DriftGate(release.Expectations).EvaluateAsync(new GateContext("local", EnvironmentSpec.LocalDefault, [], DateTimeOffset.UtcNow), Ct);

        Assert.Null(drift.ExpectedHash);
        Assert.Equal(GateVerdict.Pass, gate.Verdict);
        Assert.True(await release.Expectations.RecordAsync("local", ExpectationOrigin.Rollback, "rollback of 0001_add_item_note", Ct));
    }

    [Fact]
    public async Task An_empty_expectation_recorded_before_the_rule_expects_nothing()
    {
        await using var empty = await postgres.CreateEmptyDatabaseAsync(Ct);
        await using var release = new PostgresReleaseDatabase(empty.ConnectionString);
        await release.Expectations.RecordAsync("local", ExpectationOrigin.Promote, "promote of nothing", Ct); // an empty one, as old rollbacks left
        await TestSql.ExecuteAsync(empty.ConnectionString, "CREATE TABLE example_items (id bigint PRIMARY KEY)", Ct);

        Assert.Null((await release.Expectations.ReadAsync("local", Ct)).ExpectedHash);
    }

    [Fact]
    public async Task AcceptSchema_records_the_live_schema_with_who_and_why_and_the_drift_gate_passes_after_it()
    {
        await using var shop = await ShopDatabase.CreateAsync(postgres, Ct);
        await using var release = new PostgresReleaseDatabase(shop.ConnectionString);
        await release.Expectations.RecordAsync("staging", ExpectationOrigin.Promote, "promote of 0001", Ct);
        await TestSql.ExecuteAsync(shop.ConnectionString, "ALTER TABLE customers ADD COLUMN loyalty int", Ct);
        var gates = new DriftGate(release.Expectations);
        var blocked = await gates.EvaluateAsync(new GateContext("staging", EnvironmentSpec.LocalDefault, [], DateTimeOffset.UtcNow), Ct);

        var missingReason = await Assert.ThrowsAsync<SluiceException>(() => release.Service().AcceptSchemaAsync("staging", ReleaseFixtures.Runner, " ", Ct));
        var accepted = await release.Service().AcceptSchemaAsync("staging", ReleaseFixtures.Runner, "the loyalty column stays (added by the billing team)", Ct);
        var after = await gates.EvaluateAsync(new GateContext("staging", EnvironmentSpec.LocalDefault, [], DateTimeOffset.UtcNow), Ct);

        Assert.Equal(GateVerdict.Fail, blocked.Verdict);
        Assert.Contains("./build.sh AcceptSchema --env staging --reason WHY", blocked.Remedy);
        Assert.Equal((ErrorKind.Usage, ErrorCodes.AcceptSchemaWithoutReason), (missingReason.Kind, missingReason.Code));
        Assert.Equal(accepted.LiveHash, accepted.ExpectedHash);
        Assert.Equal(GateVerdict.Pass, after.Verdict);
        Assert.Equal($"accepted by {ReleaseFixtures.Runner}: the loyalty column stays (added by the billing team)",
            await TestSql.ScalarAsync<string>(shop.ConnectionString, "SELECT reason FROM sluice.schema_expectations ORDER BY id DESC LIMIT 1", Ct));
    }

    [Fact]
    public async Task A_role_without_CREATEDB_is_told_its_name_and_the_grant()
    {
        var role = $"sluice_nocreatedb_{Guid.NewGuid():N}"[..40];
        await TestSql.ExecuteAsync(postgres.AdminConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD 'pw' NOCREATEDB", Ct);
        try
        {
            var ordinary = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Username = role, Password = "pw", Database = "postgres", Pooling = false }.ConnectionString;

            var error = await Assert.ThrowsAsync<SluiceException>(() => new EphemeralDatabases(ordinary).CreateEmptyAsync(Ct));

            Assert.Equal(ErrorCodes.CreateDatabaseDenied, error.Code);
            Assert.Contains($"role '{role}' may not create databases", error.Message);
            Assert.Contains($"ALTER ROLE \"{role}\" CREATEDB", error.Remedy);
        }
        finally
        {
            await TestSql.ExecuteAsync(postgres.AdminConnectionString, $"DROP ROLE IF EXISTS {role}", Ct);
        }
    }
}

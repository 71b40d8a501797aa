using Sluice.Environments;
using Sluice.Gates;

namespace Sluice.Tests;

/// <summary>The rules of <see cref="SeedRules"/> and <see cref="ExpectationRules"/> (issue 17), row by row.</summary>
public sealed class AdoptionRulesTests
{
    [Fact]
    public void Seed_rule1_an_environment_that_is_not_local_is_never_seeded() =>
        Assert.Equal(SeedOutcome.NotLocal, SeedRules.Decide(isLocal: false, files: 2, firstTable: null));

    [Fact]
    public void Seed_rule2_a_service_without_schema_files_has_nothing_to_load() =>
        Assert.Equal(SeedOutcome.NoSchemaFiles, SeedRules.Decide(isLocal: true, files: 0, firstTable: null));

    [Fact]
    public void Seed_rule3_a_database_holding_a_table_is_left_alone() =>
        Assert.Equal(SeedOutcome.HasTables, SeedRules.Decide(isLocal: true, files: 1, firstTable: "public.invoices"));

    [Fact]
    public void Seed_rule4_the_services_empty_local_database_is_loaded() =>
        Assert.Equal(SeedOutcome.Loaded, SeedRules.Decide(isLocal: true, files: 1, firstTable: null));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Expectation_rule1_a_completed_Promote_records(int objects) =>
        Assert.True(ExpectationRules.Records(ExpectationOrigin.Promote, objects));

    [Fact]
    public void Expectation_rule2_a_rollback_that_left_a_schema_records() =>
        Assert.True(ExpectationRules.Records(ExpectationOrigin.Rollback, 3));

    [Fact]
    public void Expectation_rule3_a_rollback_that_left_an_empty_schema_records_nothing() =>
        Assert.False(ExpectationRules.Records(ExpectationOrigin.Rollback, 0));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Expectation_rule4_an_accepted_schema_records_whatever_it_is(int objects) =>
        Assert.True(ExpectationRules.Records(ExpectationOrigin.Accepted, objects));
}

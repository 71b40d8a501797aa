using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

public sealed class ServicePlansTests
{
    [Fact]
    public void The_only_service_is_chosen_without_service()
    {
        using var scratch = new ScratchFolder();
        Directory.CreateDirectory(Path.Combine(scratch.Path, "shop", "migrations"));
        Assert.Equal("shop", ServicePlans.Load(scratch.Path, service: null).Service);
        var plans = ServicePlans.Load(RepositoryFiles.Pipelines, "shop");
        Assert.Equal(["0001_split_customer_name"], plans.Plans.Select(p => p.Id));
    }

    [Fact]
    public void Several_services_without_service_is_a_usage_error_listing_them()
    {
        using var scratch = new ScratchFolder();
        Directory.CreateDirectory(Path.Combine(scratch.Path, "shop", "migrations"));
        Directory.CreateDirectory(Path.Combine(scratch.Path, "billing", "migrations"));
        Directory.CreateDirectory(Path.Combine(scratch.Path, "docs")); // no migrations folder: not a service

        var error = Assert.Throws<SluiceException>(() => ServicePlans.Load(scratch.Path, null));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.AmbiguousService), (error.Kind, error.Code));
        Assert.Contains("billing, shop", error.Message);
        Assert.Contains("--service", error.Remedy);

        Assert.Equal("billing", ServicePlans.Load(scratch.Path, "billing").Service);
        var unknown = Assert.Throws<SluiceException>(() => ServicePlans.Load(scratch.Path, "shipping"));
        Assert.Equal(ErrorCodes.NoService, unknown.Code);
        Assert.Contains("billing, shop", unknown.Remedy);
    }

    [Fact]
    public void Plans_run_in_folder_order_and_migration_selects_one()
    {
        using var scratch = new ScratchFolder();
        foreach (var id in new[] { "0002_second", "0001_first" })
        {
            scratch.Write($"svc/migrations/{id}/plan.yaml", $"""
                id: {id}
                owner: team
                risk: low
                description: test
                max_partial_state: 30m
                phases:
                  - name: only
                    kind: expand
                    up: up.sql
                    irreversible: true
                """);
            scratch.Write($"svc/migrations/{id}/up.sql", "SELECT 1;");
        }
        var plans = ServicePlans.Load(scratch.Path, null);
        Assert.Equal(["0001_first", "0002_second"], plans.Plans.Select(p => p.Id));
        Assert.Equal(["0002_second"], plans.Select("0002_second").Select(p => p.Id));
        var error = Assert.Throws<SluiceException>(() => plans.Select("0003_missing"));
        Assert.Equal(ErrorCodes.UnknownMigration, error.Code);
        Assert.Contains("0001_first, 0002_second", error.Remedy);
    }

    [Fact]
    public void A_missing_pipelines_folder_is_a_usage_error()
    {
        var error = Assert.Throws<SluiceException>(() => ServicePlans.Load("/nonexistent/pipelines", null));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.NoService), (error.Kind, error.Code));
    }
}

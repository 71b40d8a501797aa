using Sluice.Errors;

namespace Sluice.Migrations.Plans;

/// <summary>Every plan of one service, in folder-name order, as loaded from <c>pipelines/&lt;service&gt;/migrations/</c>.</summary>
public sealed record ServicePlans(string Service, string ServiceFolder, IReadOnlyList<MigrationPlan> Plans)
{
    /// <summary>Finds the service (the only one when <paramref name="service"/> is null) and loads all its plans.</summary>
    public static ServicePlans Load(string pipelinesFolder, string? service)
    {
        var folder = Path.GetFullPath(pipelinesFolder);
        if (!Directory.Exists(folder))
            throw SluiceException.Usage(ErrorCodes.NoService, $"the pipelines folder '{folder}' does not exist",
                "create pipelines/<service>/migrations/, or pass --pipelines DIR", folder);
        var services = ServiceNames(folder);
        string chosen;
        if (service is null)
        {
            chosen = services.Count switch
            {
                0 => throw SluiceException.Usage(ErrorCodes.NoService, $"no service under '{folder}' has a migrations folder",
                    "create pipelines/<service>/migrations/<id>/plan.yaml", folder),
                1 => services[0],
                _ => throw SluiceException.Usage(ErrorCodes.AmbiguousService,
                    $"there are {services.Count} services under '{folder}': {string.Join(", ", services)}",
                    $"pass --service {services[0]} (or one of the others)", folder),
            };
        }
        else if (services.Contains(service, StringComparer.Ordinal))
            chosen = service;
        else
            throw SluiceException.Usage(ErrorCodes.NoService, $"service '{service}' has no migrations folder under '{folder}'",
                services.Count == 0 ? "create pipelines/<service>/migrations/" : $"known services: {string.Join(", ", services)}", folder);

        var loaded = LoadOne(folder, chosen);
        // Cross-service requirements are checked against the other services' plans, loaded only when there are some.
        if (loaded.Plans.SelectMany(Requirement.Of).Any())
            RequirementGraph.Check([loaded, .. services.Where(s => s != chosen).Select(s => LoadOne(folder, s))]);
        return loaded;
    }

    /// <summary>Every service under the pipelines folder, each with its plans, their requirements checked against each other.</summary>
    public static IReadOnlyList<ServicePlans> LoadAll(string pipelinesFolder)
    {
        var folder = Path.GetFullPath(pipelinesFolder);
        if (!Directory.Exists(folder))
            throw SluiceException.Usage(ErrorCodes.NoService, $"the pipelines folder '{folder}' does not exist",
                "create pipelines/<service>/migrations/, or pass --pipelines DIR", folder);
        var all = ServiceNames(folder).Select(s => LoadOne(folder, s)).ToList();
        RequirementGraph.Check(all);
        return all;
    }

    private static ServicePlans LoadOne(string folder, string service)
    {
        var serviceFolder = Path.Combine(folder, service);
        return new ServicePlans(service, serviceFolder, LoadMigrations(Path.Combine(serviceFolder, "migrations")));
    }

    /// <summary>The service a run acts on without loading its plans: <paramref name="service"/> when given, else the only
    /// service under the pipelines folder; null when there is none or more than one (then nothing names it).</summary>
    public static string? ServiceName(string pipelinesFolder, string? service)
    {
        if (service is not null) return service;
        var folder = Path.GetFullPath(pipelinesFolder);
        return Directory.Exists(folder) && ServiceNames(folder) is [var only] ? only : null;
    }

    private static List<string> ServiceNames(string folder) =>
        Directory.EnumerateDirectories(folder)
            .Where(d => Directory.Exists(Path.Combine(d, "migrations")))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads every plan folder under a migrations folder. Ids are unique because each equals its folder's name.</summary>
    public static IReadOnlyList<MigrationPlan> LoadMigrations(string migrationsFolder) =>
        [.. Directory.EnumerateDirectories(migrationsFolder).Order(StringComparer.Ordinal).Select(PlanLoader.Load)];

    /// <summary>The plans to run: all of them, or only <paramref name="migrationId"/>.</summary>
    public IReadOnlyList<MigrationPlan> Select(string? migrationId)
    {
        if (migrationId is null) return Plans;
        return Plans.FirstOrDefault(p => p.Id == migrationId) is { } plan
            ? [plan]
            : throw SluiceException.Usage(ErrorCodes.UnknownMigration, $"service '{Service}' has no plan '{migrationId}'",
                Plans.Count == 0 ? "add a plan under migrations/" : $"known plans: {string.Join(", ", Plans.Select(p => p.Id))}",
                Path.Combine(ServiceFolder, "migrations"));
    }
}

using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;

namespace Sluice.Postgres.Scripting;

/// <summary>
/// Sluice's services for scripts (a <c>build.cake</c>, a notebook) with only strings and numbers crossing the boundary.
/// Cake 7 ships Microsoft.Extensions.Logging.Abstractions 8, which Npgsql 10 cannot share, so a script loads Sluice into
/// an <see cref="System.Runtime.Loader.AssemblyLoadContext"/> of its own (see samples/cake/build.cake) and calls these by
/// name; BCL types such as <see cref="Task{TResult}"/> pass between the contexts unchanged.
/// </summary>
public static class ScriptServices
{
    /// <summary>Loads and validates every plan; one line per plan. A bad plan throws with the usual <c>error SLU0xx</c> text.</summary>
    public static string DescribePlans(string pipelinesFolder, string? service)
    {
        var plans = Guard(() => ServicePlans.Load(pipelinesFolder, service));
        return string.Join(Environment.NewLine, plans.Plans.Select(p =>
            $"{plans.Service}/{p.Id}: {p.Phases.Count} phases, risk {p.Risk.ToString().ToLowerInvariant()}, owner {p.Owner}, hash {p.Hash[..12]}"));
    }

    /// <summary>Where every plan stands in the journal of <paramref name="connectionString"/>.</summary>
    public static async Task<string> StatusAsync(string connectionString, string pipelinesFolder, string? service, string environment)
    {
        await using var database = new PostgresMigrationDatabase(connectionString);
        var report = await database.Service().StatusAsync(Request(pipelinesFolder, service, environment, null), CancellationToken.None);
        return report.Render();
    }

    /// <summary>Runs the pending phases; returns the run's summary and exit code (0 done, 4 incomplete: run again).</summary>
    public static async Task<(int ExitCode, string Summary)> MigrateAsync(string connectionString, string pipelinesFolder, string? service,
        string environment, TimeSpan? timeBudget)
    {
        await using var database = new PostgresMigrationDatabase(connectionString);
        var result = await database.Service().MigrateAsync(Request(pipelinesFolder, service, environment, timeBudget), null, CancellationToken.None);
        return (result.Outcome == MigrationOutcome.Incomplete ? 4 : 0, result.Summary);
    }

    /// <summary>The request names no runner: it reads the process environment once, as every request does.</summary>
    private static MigrationRequest Request(string pipelines, string? service, string environment, TimeSpan? budget) =>
        new(pipelines, service, environment, null, budget);

    /// <summary>A script cannot see Sluice's exception types from its own context; the message carries code, place and remedy.</summary>
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SluiceException e)
        {
            throw new InvalidOperationException(e.ToString(), e);
        }
    }
}

namespace Sluice.Environments;

/// <summary>What seeding an environment from its service's schema folder did.</summary>
public enum SeedOutcome
{
    /// <summary>Not a local environment: it holds its service's data already (adopt it with AcceptSchema).</summary>
    NotLocal,
    /// <summary>The service has no <c>schema/*.sql</c>.</summary>
    NoSchemaFiles,
    /// <summary>The database holds tables already: loaded before, or someone's data; never touched.</summary>
    HasTables,
    /// <summary>The database was empty and the files were loaded, in one transaction.</summary>
    Loaded,
}

/// <param name="Outcome">What happened.</param>
/// <param name="Message">One line for the host: what was loaded where, or why nothing was.</param>
public sealed record SeedResult(SeedOutcome Outcome, string Message);

/// <summary>
/// Whether a session's database is loaded from <c>pipelines/&lt;service&gt;/schema/*.sql</c> (the convention Rehearse
/// uses too), so the first Promote of a new repository finds the tables its first plan changes.
/// <list type="number">
/// <item>The environment is not local (a connection string, a cloud server, <c>--database</c> pointing elsewhere):
/// nothing is loaded; such a database holds its service's data, and its schema is adopted with AcceptSchema.</item>
/// <item>The service has no schema files: nothing to load.</item>
/// <item>The database holds a table outside schema <c>sluice</c>: nothing is loaded; it was seeded before, or it holds
/// data that is not Sluice's to replace.</item>
/// <item>Otherwise (the service's own empty local database, on first use): every file, in name order, in one transaction.</item>
/// </list>
/// </summary>
public static class SeedRules
{
    /// <param name="isLocal">The session's environment is a local cluster (<see cref="EnvironmentSessionRequest.IsLocal"/>).</param>
    /// <param name="files">How many schema files the service has.</param>
    /// <param name="firstTable">A table the database holds outside <c>sluice</c>, or null when it holds none.</param>
    public static SeedOutcome Decide(bool isLocal, int files, string? firstTable) =>
        !isLocal ? SeedOutcome.NotLocal
        : files == 0 ? SeedOutcome.NoSchemaFiles
        : firstTable is not null ? SeedOutcome.HasTables
        : SeedOutcome.Loaded;
}

/// <summary>A session's database seen as its service's schema: seeded from the schema folder when empty.</summary>
public interface IEnvironmentSchema
{
    /// <summary>Applies <see cref="SeedRules"/>: loads the service's schema files into an empty local database.</summary>
    Task<SeedResult> SeedAsync(CancellationToken cancellationToken);

    /// <summary>Accepts the live schema as the one the drift gate expects, journaled with who and why (SLU143 without a reason).</summary>
    Task<string> AcceptAsync(string? reason, CancellationToken cancellationToken);
}

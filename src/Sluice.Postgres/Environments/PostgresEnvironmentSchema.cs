using Npgsql;
using Sluice.Environments;
using Sluice.Postgres.Databases;
using Sluice.Releases;

namespace Sluice.Postgres.Environments;

/// <summary>The session's database as its service's schema (<see cref="SeedRules"/>): seeded on the session's pool, in
/// one transaction, from the service's own schema folder into the service's own database.</summary>
internal sealed class PostgresEnvironmentSchema(IEnvironmentSession session, EnvironmentSessionRequest request, NpgsqlDataSource dataSource) : IEnvironmentSchema
{
    public async Task<SeedResult> SeedAsync(CancellationToken cancellationToken)
    {
        var plans = session.Plans;
        var files = ServiceSchemaFiles.Find(plans.ServiceFolder);
        var folder = Path.GetRelativePath(request.Root, ServiceSchemaFiles.Folder(plans.ServiceFolder));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string? table = null;
        if (request.IsLocal && files.Count > 0)
        {
            table = await UserTables.FirstAsync(connection, cancellationToken);
        }
        switch (SeedRules.Decide(request.IsLocal, files.Count, table))
        {
            case SeedOutcome.NotLocal:
                return new(SeedOutcome.NotLocal, $"'{session.Environment}' is not a local environment: it keeps its own data, nothing seeded (adopt its schema with AcceptSchema)");
            case SeedOutcome.NoSchemaFiles:
                return new(SeedOutcome.NoSchemaFiles, $"no schema files in {folder}: nothing seeded");
            case SeedOutcome.HasTables:
                return new(SeedOutcome.HasTables, $"{session.Location} holds tables already ({table}, ...): nothing seeded");
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ServiceSchemaFiles.LoadAsync(connection, transaction, files, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(SeedOutcome.Loaded, $"no tables in {session.Location}: loaded {files.Count} schema file(s) from {folder}");
    }

    public async Task<string> AcceptAsync(string? reason, CancellationToken cancellationToken)
    {
        var drift = await session.Releases.AcceptSchemaAsync(session.Environment, session.By, reason, cancellationToken);
        return $"schema {drift.LiveHash[..12]} of '{session.Environment}' accepted as expected by {session.By}: {reason!.Trim()}";
    }
}

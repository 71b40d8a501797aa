using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>Builds the schema at the environment's version in an empty database: base schema files, then the applied plans' ups.</summary>
internal static class RehearsalSchema
{
    public static async Task BuildAsync(string connectionString, string serviceFolder, IEnumerable<MigrationPlan> applied, CancellationToken cancellationToken)
    {
        var files = ServiceSchemaFiles.Find(serviceFolder);
        if (!Directory.Exists(ServiceSchemaFiles.Folder(serviceFolder)))
            throw SluiceException.Usage(ErrorCodes.BadProfile, $"the service has no schema folder '{ServiceSchemaFiles.Folder(serviceFolder)}'",
                "put the base schema (CREATE TABLE ...) in pipelines/<service>/schema/*.sql", ServiceSchemaFiles.Folder(serviceFolder));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await ServiceSchemaFiles.LoadAsync(connection, null, files, cancellationToken);
        }
        // The applied plans' ups as Promote ran them, journaled as the environment's journal has them.
        await using (var database = new PostgresMigrationDatabase(connectionString))
        {
            await database.Providers.Journal.EnsureAsync(cancellationToken);
            foreach (var plan in applied)
            {
                await database.Providers.Journal.RecordPlanAsync(plan, PostgresRehearsal.Rehearser, cancellationToken);
                foreach (var phase in plan.Phases.OfType<ScriptPhase>())
                    await database.Providers.Phases.ApplyAsync(plan, phase, 1, PostgresRehearsal.Rehearser, cancellationToken);
            }
        }

        // Base schemas may seed rows; synthetic data replaces them.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                DO $$
                DECLARE tables text;
                BEGIN
                  SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ') INTO tables
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%';
                  IF tables IS NOT NULL THEN EXECUTE 'TRUNCATE ' || tables || ' CASCADE'; END IF;
                END $$;
                """, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

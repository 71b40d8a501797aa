using Npgsql;
using Sluice.Errors;

namespace Sluice.Postgres.Databases;

/// <summary>A service's base schema, <c>pipelines/&lt;service&gt;/schema/*.sql</c> in name order: what seeding an empty
/// local database and building a rehearsal's database both load. A failing statement is reported at its file and line.</summary>
internal static class ServiceSchemaFiles
{
    public static string Folder(string serviceFolder) => Path.Combine(serviceFolder, "schema");

    public static IReadOnlyList<string> Find(string serviceFolder) => Directory.Exists(Folder(serviceFolder))
        ? [.. Directory.EnumerateFiles(Folder(serviceFolder), "*.sql").Order(StringComparer.Ordinal)]
        : [];

    public static async Task LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            var sql = await File.ReadAllTextAsync(file, cancellationToken);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e)
            {
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.SchemaSeedFailed,
                    $"loading the service's schema failed in {Path.GetFileName(file)}: {e.MessageText}",
                    "fix the schema file; it runs on an empty database, as the first thing there", file, LineAt(sql, e.Position), e);
            }
        }
    }

    /// <summary>The 1-based line of a 1-based character position in the text; line 1 when the server gave none.</summary>
    private static int LineAt(string sql, int position) =>
        position <= 0 ? 1 : 1 + sql.AsSpan(0, Math.Min(position - 1, sql.Length)).Count('\n');
}

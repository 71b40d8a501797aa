using Npgsql;

namespace Sluice.Postgres.Databases;

/// <summary>
/// <c>CREATE DATABASE</c> from a template, written for the server it runs on: <c>STRATEGY</c> exists from
/// PostgreSQL 15; PostgreSQL 14 always copies files, which is what <see cref="CloneStrategy.FileCopy"/> asks for and an
/// equivalent of <see cref="CloneStrategy.WalLog"/> (the copy is the same, only its cost differs).
/// </summary>
internal static class CreateDatabaseStatement
{
    /// <summary>The first major version that takes <c>STRATEGY</c>.</summary>
    public const int StrategySince = 15;

    /// <summary>The statement for <paramref name="admin"/>'s server (open, so its version is known).</summary>
    public static string For(NpgsqlConnection admin, string name, string template, CloneStrategy strategy, string? owner = null) =>
        Text(admin.PostgreSqlVersion.Major, name, template, strategy, owner);

    public static string Text(int serverMajor, string name, string template, CloneStrategy strategy, string? owner = null)
    {
        var strategyClause = serverMajor < StrategySince ? "" : $" STRATEGY {(strategy == CloneStrategy.FileCopy ? "FILE_COPY" : "WAL_LOG")}";
        var ownerClause = owner is null ? "" : $" OWNER {Sql.Identifier(owner)}";
        return $"CREATE DATABASE {Sql.Identifier(name)} TEMPLATE {Sql.Identifier(template)}{strategyClause}{ownerClause}";
    }
}

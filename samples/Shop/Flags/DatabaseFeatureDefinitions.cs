using System.Runtime.CompilerServices;
using Microsoft.FeatureManagement;
using Npgsql;

namespace Shop.Flags;

/// <summary>
/// Feature definitions read from <c>sluice.feature_flags</c> beside the data, where a switch phase flips a flag in the
/// same transaction as the change that needs it. Read on every check, so a flip (or its rollback) takes effect on
/// the next request. A database without the table (never migrated) has every flag off.
/// </summary>
public sealed class DatabaseFeatureDefinitions(NpgsqlDataSource database) : IFeatureDefinitionProvider
{
    private const string Query = """
        SELECT name, enabled FROM sluice.feature_flags WHERE $1::text IS NULL OR name = $1
        """;

    // IFeatureDefinitionProvider passes no cancellation token; a flag read is one short query.
    public async Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName)
    {
        await foreach (var definition in ReadAsync(featureName, CancellationToken.None)) return definition;
        return Definition(featureName, enabled: false);
    }

    public IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync() => ReadAsync(null, CancellationToken.None);

    private async IAsyncEnumerable<FeatureDefinition> ReadAsync(string? name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('sluice.feature_flags') IS NOT NULL", connection))
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) yield break;
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) yield return Definition(reader.GetString(0), reader.GetBoolean(1));
    }

    private static FeatureDefinition Definition(string name, bool enabled) => new()
    {
        Name = name,
        EnabledFor = enabled ? [new FeatureFilterConfiguration { Name = "AlwaysOn" }] : [],
    };
}

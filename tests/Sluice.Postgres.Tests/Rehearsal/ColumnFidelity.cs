using Npgsql;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Measures how closely one column of a generated table follows the same column of the original.</summary>
internal static class ColumnFidelity
{
    /// <summary>Kolmogorov–Smirnov distance between two samples: the largest gap between their empirical CDFs.</summary>
    public static double KolmogorovSmirnov(double[] a, double[] b)
    {
        Array.Sort(a);
        Array.Sort(b);
        int i = 0, j = 0;
        double distance = 0;
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x) i++;
            while (j < b.Length && b[j] <= x) j++;
            distance = Math.Max(distance, Math.Abs((double)i / a.Length - (double)j / b.Length));
        }
        return distance;
    }

    /// <summary>Non-null values as numbers (epoch seconds for dates and timestamps).</summary>
    public static async Task<double[]> NumbersAsync(string connectionString, string table, string column, string type, CancellationToken cancellationToken)
    {
        var values = new List<double>();
        var number = type is "date" or "timestamp" or "timestamptz" ? $"extract(epoch FROM {column})::float8" : $"{column}::float8";
        await foreach (var value in ReadAsync(connectionString, $"SELECT {number} FROM {table} WHERE {column} IS NOT NULL", cancellationToken))
            values.Add((double)value);
        return [.. values];
    }

    public static async Task<double> NullFractionAsync(string connectionString, string table, string column, CancellationToken cancellationToken) =>
        await TestSql.ScalarAsync<double>(connectionString, $"SELECT avg(({column} IS NULL)::int)::float8 FROM {table}", cancellationToken);

    public static async Task<long> DistinctAsync(string connectionString, string table, string column, CancellationToken cancellationToken) =>
        await TestSql.ScalarAsync<long>(connectionString, $"SELECT count(DISTINCT {column}) FROM {table}", cancellationToken);

    /// <summary>The fraction of rows holding each value (text form).</summary>
    public static async Task<Dictionary<string, double>> FrequenciesAsync(string connectionString, string table, string column, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SET TimeZone = 'UTC'; SELECT {column}::text, count(*)::float8 / sum(count(*)) OVER () FROM {table} WHERE {column} IS NOT NULL GROUP BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[reader.GetString(0)] = reader.GetDouble(1);
        return result;
    }

    private static async IAsyncEnumerable<object> ReadAsync(string connectionString, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) yield return reader.GetValue(0);
    }
}

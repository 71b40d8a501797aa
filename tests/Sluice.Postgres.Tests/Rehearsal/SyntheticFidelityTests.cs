using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Profile a dataset, generate from the profile, and measure the synthetic data against the original column by column.</summary>
public sealed class SyntheticFidelityTests(PostgresFixture postgres)
{
    private static readonly HashSet<string> OrderedTypes = new(StringComparer.Ordinal)
        { "int2", "int4", "int8", "numeric", "float4", "float8", "date", "timestamp", "timestamptz" };

    [Fact]
    public async Task Synthetic_data_follows_the_profile_column_by_column_with_no_orphans_or_duplicate_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var original = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(original.ConnectionString, FidelityDataset.Schema + FidelityDataset.Data, ct);
        // A larger statistics target than the server's default: finer histograms, the whole table in ANALYZE's sample.
        var profile = await PostgresProfiler.ReadAsync(original.ConnectionString, new ProfileOptions("original", StatisticsTarget: 1000), ct);
        // Through JSON and back: the generator sees exactly what a profile file holds.
        profile = ProfileFile.FromJson(ProfileFile.ToJson(profile), "profile.json");

        await using var synthetic = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(synthetic.ConnectionString, FidelityDataset.Schema, ct);
        var result = await SyntheticDataGenerator.FillAsync(synthetic.ConnectionString, profile, new SyntheticOptions(Seed: 7), ct);

        Assert.Equal(50_000, result.TotalRows);
        var failures = new List<string>();
        foreach (var table in profile.Tables)
        {
            var foreignKeyColumns = table.ForeignKeys.SelectMany(f => f.Columns).ToHashSet(StringComparer.Ordinal);
            foreach (var column in table.Columns)
            {
                var report = await MeasureAsync(original.ConnectionString, synthetic.ConnectionString, table, column, foreignKeyColumns.Contains(column.Name), ct);
                TestContext.Current.SendDiagnosticMessage(report.ToString());
                failures.AddRange(report.Failures());
            }
        }
        Assert.Empty(failures);

        // Zero orphans and zero duplicate keys, counted rather than trusted to the constraints.
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(synthetic.ConnectionString,
            "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(synthetic.ConnectionString,
            "SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(synthetic.ConnectionString,
            "SELECT (SELECT count(*) - count(DISTINCT id) FROM customers) + (SELECT count(*) - count(DISTINCT email) FROM customers) + (SELECT count(*) - count(DISTINCT id) FROM orders)", ct));

        // The children-per-parent shape survives: profile the synthetic data and compare the shapes.
        var again = await PostgresProfiler.ReadAsync(synthetic.ConnectionString, new ProfileOptions("synthetic", StatisticsTarget: 1000), ct);
        foreach (var table in profile.Tables)
            foreach (var fk in table.ForeignKeys)
            {
                var other = again.Table(table.Schema, table.Name)!.ForeignKeys.Single(f => f.Name == fk.Name);
                var distance = ShapeDistance(fk.ChildrenPerParent, other.ChildrenPerParent);
                TestContext.Current.SendDiagnosticMessage($"{table.Name}.{fk.Name}: children-per-parent TVD {distance:F4}");
                Assert.True(distance <= 0.01, $"{fk.Name}: children-per-parent shape differs by {distance:F4}");
            }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var original = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(original.ConnectionString, FidelityDataset.Schema + FidelityDataset.Data, ct);
        var profile = await PostgresProfiler.ReadAsync(original.ConnectionString, new ProfileOptions("original"), ct);
        var hashes = new List<string>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await using var synthetic = await postgres.CreateDatabaseAsync(ct);
            await TestSql.ExecuteAsync(synthetic.ConnectionString, FidelityDataset.Schema, ct);
            await SyntheticDataGenerator.FillAsync(synthetic.ConnectionString, profile, new SyntheticOptions(Scale: 0.5, Seed: 3), ct);
            hashes.Add(await TestSql.ScalarAsync<string>(synthetic.ConnectionString, """
                SELECT md5((SELECT string_agg(c::text, ',' ORDER BY id) FROM customers c)
                        || (SELECT string_agg(o::text, ',' ORDER BY id) FROM orders o)
                        || (SELECT string_agg(l::text, ',' ORDER BY id) FROM order_lines l))
                """, ct));
        }
        Assert.Equal(hashes[0], hashes[1]);
    }

    [Fact]
    public async Task A_cycle_of_foreign_keys_is_broken_at_its_nullable_key_and_set_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        const string schema = """
            CREATE TABLE departments (id bigint PRIMARY KEY, name text NOT NULL, manager_id bigint);
            CREATE TABLE employees (id bigint PRIMARY KEY, department_id bigint NOT NULL REFERENCES departments (id), salary integer NOT NULL);
            ALTER TABLE departments ADD CONSTRAINT departments_manager_fk FOREIGN KEY (manager_id) REFERENCES employees (id);
            """;
        await using var original = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(original.ConnectionString, schema + """
            INSERT INTO departments SELECT g, 'dept ' || g, NULL FROM generate_series(1, 200) g;
            INSERT INTO employees SELECT g, 1 + g % 200, 30000 + (g * 7919) % 90000 FROM generate_series(1, 5000) g;
            UPDATE departments SET manager_id = id * 20 WHERE id % 4 <> 0;
            """, ct);
        var profile = await PostgresProfiler.ReadAsync(original.ConnectionString, new ProfileOptions("original"), ct);

        await using var synthetic = await postgres.CreateDatabaseAsync(ct);
        await TestSql.ExecuteAsync(synthetic.ConnectionString, schema, ct);
        await SyntheticDataGenerator.FillAsync(synthetic.ConnectionString, profile, new SyntheticOptions(Seed: 11), ct);

        Assert.Equal("200:150:5000", await TestSql.ScalarAsync<string>(synthetic.ConnectionString,
            "SELECT count(*) || ':' || count(manager_id) || ':' || (SELECT count(*) FROM employees) FROM departments", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(synthetic.ConnectionString,
            "SELECT count(*) FROM departments d WHERE manager_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM employees e WHERE e.id = d.manager_id)", ct));
    }

    private static double ShapeDistance(IReadOnlyList<ChildCount> a, IReadOnlyList<ChildCount> b)
    {
        double totalA = a.Sum(c => c.Parents), totalB = b.Sum(c => c.Parents);
        return 0.5 * a.Select(c => c.Children).Union(b.Select(c => c.Children)).Sum(children =>
            Math.Abs((a.FirstOrDefault(c => c.Children == children)?.Parents ?? 0) / totalA
                     - (b.FirstOrDefault(c => c.Children == children)?.Parents ?? 0) / totalB));
    }

    private static async Task<ColumnReport> MeasureAsync(string original, string synthetic, TableProfile table, ColumnProfile column, bool foreignKey, CancellationToken ct)
    {
        var name = $"{table.Name}.{column.Name}";
        var nullGap = Math.Abs(await ColumnFidelity.NullFractionAsync(original, table.Name, column.Name, ct)
                               - await ColumnFidelity.NullFractionAsync(synthetic, table.Name, column.Name, ct));
        double distinctOriginal = await ColumnFidelity.DistinctAsync(original, table.Name, column.Name, ct);
        double distinctSynthetic = await ColumnFidelity.DistinctAsync(synthetic, table.Name, column.Name, ct);
        var distinctGap = distinctOriginal == 0 ? 0 : Math.Abs(distinctSynthetic - distinctOriginal) / distinctOriginal;
        // Which parent gets many children is not part of the profile (only how many parents get how many), so a
        // foreign key's value distribution is measured as a shape, by the caller.
        double? ks = OrderedTypes.Contains(column.Type) && !foreignKey
            ? ColumnFidelity.KolmogorovSmirnov(await ColumnFidelity.NumbersAsync(original, table.Name, column.Name, column.Type, ct),
                await ColumnFidelity.NumbersAsync(synthetic, table.Name, column.Name, column.Type, ct))
            : null;
        double? tvd = null;
        if (column.MostCommon.Count > 0 && !foreignKey)
        {
            var before = await ColumnFidelity.FrequenciesAsync(original, table.Name, column.Name, ct);
            var after = await ColumnFidelity.FrequenciesAsync(synthetic, table.Name, column.Name, ct);
            // The values the profile calls most common (text forms match: both sessions print in UTC and ISO).
            var common = column.MostCommon.Select(m => m.Value).ToList();
            var restBefore = 1 - common.Sum(v => before.GetValueOrDefault(v));
            var restAfter = 1 - common.Sum(v => after.GetValueOrDefault(v));
            tvd = 0.5 * (common.Sum(v => Math.Abs(before.GetValueOrDefault(v) - after.GetValueOrDefault(v))) + Math.Abs(restBefore - restAfter));
        }
        return new ColumnReport(name, nullGap, distinctOriginal, distinctSynthetic, distinctGap, ks, tvd);
    }

    private sealed record ColumnReport(string Column, double NullGap, double DistinctOriginal, double DistinctSynthetic, double DistinctGap, double? Ks, double? Tvd)
    {
        public IEnumerable<string> Failures()
        {
            if (NullGap > 0.002) yield return $"{Column}: null fraction off by {NullGap:F4}";
            if (DistinctGap > 0.05) yield return $"{Column}: distinct count {DistinctSynthetic} against {DistinctOriginal} ({DistinctGap:P1})";
            if (Ks > 0.02) yield return $"{Column}: KS distance {Ks:F4}";
            if (Tvd > 0.01) yield return $"{Column}: MCV total-variation distance {Tvd:F4}";
        }

        public override string ToString() =>
            $"{Column}: null gap {NullGap:F4}, distinct {DistinctSynthetic}/{DistinctOriginal}, KS {Ks?.ToString("F4") ?? "-"}, MCV TVD {Tvd?.ToString("F4") ?? "-"}";
    }
}

namespace Sluice.Build.Tests.Ci;

/// <summary>
/// The engine's CI writers know service containers and variables, not databases: what a rehearsal's PostgreSQL
/// container looks like and which parameter points at it is declared by <c>Sluice.Targets</c>
/// (<c>PostgresServiceContainer</c>). A source scan, like <c>ErrorCodeRegistryTests</c>', so a comment counts too.
/// </summary>
public sealed class EngineKnowsNoDatabaseTests
{
    [Fact]
    public void The_engines_Ci_folder_spells_neither_postgres_nor_the_Database_parameter()
    {
        var folder = Path.Combine(CiValidators.RepositoryRoot, "src", "Sluice.Build", "Ci");
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var offenders = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
                if (lines[i].Contains("postgres", StringComparison.OrdinalIgnoreCase) || lines[i].Contains("database", StringComparison.OrdinalIgnoreCase))
                    offenders.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(offenders.Count == 0, "the engine's CI code names a database:\n" + string.Join("\n", offenders));
    }
}

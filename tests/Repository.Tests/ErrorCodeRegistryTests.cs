using System.Reflection;
using System.Text.RegularExpressions;
using Sluice.Build;
using Sluice.Errors;

namespace Repository.Tests;

/// <summary>
/// The two registries of error codes (<see cref="EngineErrorCodes"/>, <see cref="ErrorCodes"/>) and ErrorCodes.md say
/// the same, and no other source file spells a code: every constant has a row, every row not retired has a constant,
/// no code is in both layers or twice in one, and <c>"SLU\d{3}"</c> appears in src/ and build/ only in the registries.
/// </summary>
public sealed partial class ErrorCodeRegistryTests
{
    private static readonly string[] Registries =
    [
        Path.Combine("src", "Sluice.Build", "Errors", "EngineErrorCodes.cs"),
        Path.Combine("src", "Sluice", "Errors", "ErrorCodes.cs"),
    ];

    [GeneratedRegex(@"^\| (SLU\d{3}) \| (.*) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex("\"SLU\\d{3}")]
    private static partial Regex CodeLiteral();

    private static IReadOnlyList<(string Name, string Code)> Constants(Type registry) =>
        registry.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!))
            .ToList();

    private static Dictionary<string, string> Rows()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Sluice", "Errors", "ErrorCodes.md"));
        var rows = Row().Matches(text).Select(m => (Code: m.Groups[1].Value, Meaning: m.Groups[2].Value)).ToList();
        var repeated = rows.GroupBy(r => r.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"ErrorCodes.md has two rows for {string.Join(", ", repeated)}");
        return rows.ToDictionary(r => r.Code, r => r.Meaning);
    }

    [Fact]
    public void Every_constant_of_either_registry_has_a_row()
    {
        var rows = Rows();
        foreach (var registry in new[] { typeof(EngineErrorCodes), typeof(ErrorCodes) })
        foreach (var (name, code) in Constants(registry))
            Assert.True(rows.ContainsKey(code), $"{registry.Name}.{name} = {code} has no row in ErrorCodes.md");
    }

    [Fact]
    public void Every_row_not_retired_has_a_constant()
    {
        var declared = Constants(typeof(EngineErrorCodes)).Concat(Constants(typeof(ErrorCodes))).Select(c => c.Code).ToHashSet();
        var missing = Rows().Where(r => !r.Value.StartsWith("retired", StringComparison.Ordinal) && !declared.Contains(r.Key)).Select(r => r.Key).ToList();
        Assert.True(missing.Count == 0, $"ErrorCodes.md rows without a constant in either registry: {string.Join(", ", missing)}");
    }

    [Fact]
    public void No_code_belongs_to_both_layers_or_to_two_constants()
    {
        var engine = Constants(typeof(EngineErrorCodes));
        var domain = Constants(typeof(ErrorCodes));
        var both = engine.Select(c => c.Code).Intersect(domain.Select(c => c.Code)).ToList();
        Assert.True(both.Count == 0, $"codes in both registries: {string.Join(", ", both)}");
        foreach (var registry in new[] { engine, domain })
        {
            var twice = registry.GroupBy(c => c.Code).Where(g => g.Count() > 1).Select(g => $"{g.Key} ({string.Join(", ", g.Select(c => c.Name))})").ToList();
            Assert.True(twice.Count == 0, $"a code with two names: {string.Join("; ", twice)}");
        }
    }

    [Fact]
    public void No_source_file_outside_the_registries_spells_a_code()
    {
        var offenders = new List<string>();
        foreach (var folder in new[] { "src", "build" })
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, folder), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepositoryRoot.Path, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj") || Registries.Contains(relative)) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
                if (CodeLiteral().IsMatch(lines[i])) offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(offenders.Count == 0, "code literals outside the registries:\n" + string.Join("\n", offenders));
    }
}

using System.Reflection;
using System.Text.RegularExpressions;
using Sluice.Build;

namespace Sluice.Targets;

/// <summary>
/// Remedies that name only targets the build has. The domain's remedies say <c>./build.sh Approve --env staging</c>;
/// a team's build may not compose <see cref="IApprove"/>, and following the remedy would fail with "unknown target".
/// <list type="number">
/// <item>The remedy names no <c>./build.sh</c> command: as it is.</item>
/// <item>Every target it names after <c>./build.sh</c> is one of the build's: as it is.</item>
/// <item>A target the build lacks is declared by a Sluice component: the remedy says so, and which component to add
/// (or <see cref="ISluiceRelease"/> for all of them).</item>
/// <item>A target the build lacks and no component declares: the remedy says the build has no such target.</item>
/// </list>
/// </summary>
public sealed partial class BuildRemedies
{
    private readonly Func<string, bool> _has;

    /// <param name="has">Whether the build has a target of that name.</param>
    public BuildRemedies(Func<string, bool> has) => _has = has;

    /// <summary>The remedies of <paramref name="build"/>'s own targets.</summary>
    public static BuildRemedies Of(ISluiceBuild build)
    {
        var catalog = TargetCatalog.Discover(build);
        return new BuildRemedies(name => catalog.Find(name) is not null);
    }

    /// <summary>Which component declares each target of <c>Sluice.Targets</c> (read from the interfaces themselves).</summary>
    public static IReadOnlyDictionary<string, string> Components { get; } = typeof(ISluiceComponent).Assembly.GetExportedTypes()
        .Where(t => t.IsInterface && typeof(ISluiceBuild).IsAssignableFrom(t))
        .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.PropertyType == typeof(Target)).Select(p => (Target: p.Name, Component: t.Name)))
        .ToDictionary(x => x.Target, x => x.Component, StringComparer.OrdinalIgnoreCase);

    /// <summary>The remedy, with a note for every target it names that the build lacks.</summary>
    public string? Rewrite(string? remedy)
    {
        if (remedy is null) return null;
        var missing = Command().Matches(remedy).SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal).Where(t => !_has(t)).ToList();
        if (missing.Count == 0) return remedy;
        var notes = missing.Select(t => Components.TryGetValue(t, out var component)
            ? $"this build has no {t} target: add {component} to the build class (or ISluiceRelease for all of Sluice's targets)"
            : $"this build has no {t} target");
        return $"{remedy} ({string.Join("; ", notes)})";
    }

    [GeneratedRegex(@"\./build\.(?:sh|ps1)((?:\s+[A-Z][A-Za-z0-9]*)+)")]
    private static partial Regex Command();
}

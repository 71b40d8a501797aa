using Sluice.Gates;

namespace Sluice.Environments;

/// <summary>
/// The environments a repository defines (every <c>.nuke/parameters.&lt;env&gt;.json</c> with an <c>environment</c>
/// object) and the promotion order among them: what the promotion-order gate asks of a release.
/// <list type="number">
/// <item>An environment's place is its definition's <c>order</c>.</item>
/// <item>Without one, <c>local</c> is 0: a release reaches it first.</item>
/// <item>Any other environment without an <c>order</c> comes last.</item>
/// <item>The environments earlier than the one promoted to are those defined with a smaller place, plus <c>local</c>
/// (order 0) when it is not defined but was provisioned on this machine (<c>.sluice/local/</c> exists); a machine that
/// never provisioned it (a CI runner promoting staging) is not held to it.</item>
/// </list>
/// </summary>
public sealed class EnvironmentCatalog
{
    /// <summary>The environment every repository has, defined or not.</summary>
    public const string Local = "local";

    private readonly string _root;
    private readonly IReadOnlyList<(string Name, EnvironmentSpec Spec)> _defined;

    private EnvironmentCatalog(string root, IReadOnlyList<(string Name, EnvironmentSpec Spec)> defined)
    {
        _root = root;
        _defined = defined;
    }

    /// <summary>Every environment defined under <paramref name="root"/>'s <c>.nuke/</c>, in name order.</summary>
    public static EnvironmentCatalog Read(string root)
    {
        var folder = Path.Combine(root, ".nuke");
        var found = new List<(string, EnvironmentSpec)>();
        if (Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder, "parameters.*.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file)["parameters.".Length..^".json".Length];
                if (EnvironmentSpecReader.ReadFile(file, SpecFile(name)) is { } spec) found.Add((name, spec));
            }
        return new EnvironmentCatalog(root, found);
    }

    /// <summary>Where an environment is defined, relative to the root: <c>.nuke/parameters.&lt;env&gt;.json</c>.</summary>
    public static string SpecFile(string environment) => $".nuke/parameters.{environment}.json";

    /// <summary>Every defined environment.</summary>
    public IReadOnlyList<(string Name, EnvironmentSpec Spec)> Defined => _defined;

    /// <summary>An environment's place in the promotion order (rows 1 to 3).</summary>
    public static int OrderOf(string name, EnvironmentSpec spec) => spec.Order ?? (name == Local ? 0 : int.MaxValue);

    /// <summary>The environments other than <paramref name="environment"/> a release is checked against, with their
    /// definitions (row 4's provisioned local included).</summary>
    public IReadOnlyDictionary<string, EnvironmentSpec> Others(string environment)
    {
        var others = _defined.Where(e => e.Name != environment).ToDictionary(e => e.Name, e => e.Spec);
        if (environment != Local && !others.ContainsKey(Local) && Directory.Exists(Path.Combine(_root, ".sluice", Local)))
            others[Local] = EnvironmentSpec.LocalDefault;
        return others;
    }

    /// <summary>The environments before <paramref name="environment"/> in the promotion order (row 4).</summary>
    public IReadOnlyList<EarlierEnvironment> Earlier(string environment, EnvironmentSpec spec)
    {
        var order = OrderOf(environment, spec);
        return [.. Others(environment).Select(e => new EarlierEnvironment(e.Key, OrderOf(e.Key, e.Value))).Where(e => e.Order < order)];
    }
}

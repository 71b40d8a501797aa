namespace Sluice.Build;

/// <summary>
/// The environments a repository knows: <c>local</c> (the embedded default, always there) and every
/// <c>.nuke/parameters.&lt;env&gt;.json</c>. Selecting one loads its profile before the shared <c>parameters.json</c>.
/// </summary>
public sealed class EnvironmentProfiles
{
    public const string DefaultEnvironment = "local";

    private readonly AbsolutePath _root;

    private EnvironmentProfiles(AbsolutePath root, IReadOnlyList<string> names)
    {
        _root = root;
        Names = names;
    }

    /// <summary>Known environment names, <c>local</c> first.</summary>
    public IReadOnlyList<string> Names { get; }

    public static EnvironmentProfiles Discover(AbsolutePath root)
    {
        var folder = Path.Combine(root.Value, ".nuke");
        var names = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "parameters.*.json")
                .Select(f => Path.GetFileName(f)["parameters.".Length..^".json".Length])
                .Where(n => n.Length > 0)
                .ToList()
            : [];
        return new EnvironmentProfiles(root, names.Append(DefaultEnvironment).Distinct(StringComparer.Ordinal)
            .OrderBy(n => n == DefaultEnvironment ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList());
    }

    /// <summary>The environment from <c>--env</c>, then <c>Env</c> or <c>SLUICE_ENV</c>, else <c>local</c>; unknown names are usage errors.</summary>
    internal static string Select(CommandLine commandLine, IReadOnlyDictionary<string, string> variables, EnvironmentProfiles known)
    {
        string? name = null;
        var source = "--env";
        if (commandLine.Options.TryGetValue("env", out var raw)) name = raw.Texts.Count == 1 ? raw.Texts[0] : throw new UsageException(EngineErrorCodes.BadParameter, "parameter --env takes one name", "pass --env NAME");
        else if (variables.TryGetValue("Env", out var exact) && exact.Length > 0) (name, source) = (exact, "Env");
        else if (variables.TryGetValue("SLUICE_ENV", out var prefixed) && prefixed.Length > 0) (name, source) = (prefixed, "SLUICE_ENV");
        name ??= DefaultEnvironment;

        if (known.Names.Contains(name, StringComparer.Ordinal)) return name;
        var closest = ParameterNames.Closest(name, known.Names);
        throw new UsageException(EngineErrorCodes.UnknownEnvironment, $"unknown environment '{name}' (from {source}); known: {string.Join(", ", known.Names)}",
            closest.Count > 0 ? $"did you mean {closest[0]}? Environments are declared by .nuke/parameters.<env>.json" : "declare it in .nuke/parameters.<env>.json");
    }

    /// <summary>The files to read for <paramref name="environment"/>, most specific first.</summary>
    internal IReadOnlyList<ParametersFile> FilesFor(string environment)
    {
        var files = new List<ParametersFile>();
        foreach (var name in new[] { $"parameters.{environment}.json", "parameters.json" })
        {
            var path = Path.Combine(_root.Value, ".nuke", name);
            if (File.Exists(path)) files.Add(ParametersFile.Load(path, $".nuke/{name}"));
        }
        return files;
    }
}

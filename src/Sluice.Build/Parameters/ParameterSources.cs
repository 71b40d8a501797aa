namespace Sluice.Build;

/// <summary>
/// Where parameter values come from, in order of precedence: the command line; environment variables (the
/// member's exact name, then <c>SLUICE_</c> plus its upper-snake name); the environment's profile
/// <c>.nuke/parameters.&lt;env&gt;.json</c>; the shared <c>.nuke/parameters.json</c>.
/// </summary>
public sealed class ParameterSources(
    CommandLine commandLine,
    IReadOnlyDictionary<string, string> environmentVariables,
    IReadOnlyList<ParametersFile> files)
{
    public CommandLine CommandLine { get; } = commandLine;
    public IReadOnlyList<ParametersFile> Files { get; } = files;

    public RawValue? Find(ParameterDescriptor parameter)
    {
        if (CommandLine.Options.TryGetValue(parameter.OptionName, out var fromCommandLine)) return fromCommandLine;

        foreach (var variable in new[] { parameter.Name, ParameterNames.EnvironmentVariable(parameter.Name) })
        {
            if (environmentVariables.TryGetValue(variable, out var text) && text.Length > 0)
            {
                IReadOnlyList<string> texts = parameter.UnderlyingType.IsArray ? text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) : [text];
                return new RawValue(texts, ParameterValueConverter.IsStructured(parameter.UnderlyingType) ? text : null, variable);
            }
        }

        foreach (var file in Files)
        {
            var entry = file.Entries.FirstOrDefault(e => Matches(e.Key, parameter));
            if (entry is not null) return file.ToRawValue(entry);
        }
        return null;
    }

    /// <summary>A file key names a parameter by member name or kebab case, case-insensitively.</summary>
    public static bool Matches(string key, ParameterDescriptor parameter) =>
        key.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase) ||
        key.Equals(parameter.OptionName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Keys in the parameters files that name no parameter are errors: a typo must not pass silently.</summary>
    public void RejectUnknownKeys(IReadOnlyList<ParameterDescriptor> parameters)
    {
        foreach (var file in Files)
        foreach (var entry in file.Entries)
        {
            if (entry.Key == "$schema" || parameters.Any(p => Matches(entry.Key, p))) continue;
            var suggestions = ParameterNames.Closest(entry.Key, parameters.Select(p => p.Name));
            throw new UsageException("SLU006", $"unknown key '{entry.Key}'",
                suggestions.Count > 0 ? $"did you mean {string.Join(", ", suggestions)}?" : "keys are parameter names; see ./build.sh --help",
                file.DisplayPath, entry.Line);
        }
    }
}

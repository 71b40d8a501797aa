namespace Sluice.Build;

/// <summary>
/// Where parameter values come from, in order of precedence: the command line; environment variables (the
/// member's exact name, then <c>SLUICE_</c> plus its upper-snake name); the environment's profile
/// <c>.nuke/parameters.&lt;env&gt;.json</c>; the shared <c>.nuke/parameters.json</c>.
/// An environment variable that holds an unexpanded Azure Pipelines macro (<c>$(DATABASE)</c>: Azure leaves the text
/// as it is when no such variable is defined) is treated as unset and reported through <paramref name="warn"/>, so it
/// never binds over the environment's own value.
/// </summary>
internal sealed class ParameterSources(
    CommandLine commandLine,
    IReadOnlyDictionary<string, string> environmentVariables,
    IReadOnlyList<ParametersFile> files,
    Action<string>? warn = null)
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
                if (UnexpandedMacro.IsMatch(text))
                {
                    warn?.Invoke($"{EngineErrorCodes.UnexpandedMacro}: environment variable {variable} holds the unexpanded macro {text} (no such pipeline variable is defined); {parameter.Name} is treated as unset");
                    continue;
                }
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

    /// <summary>What Azure Pipelines leaves behind for a macro whose variable does not exist.</summary>
    private static readonly System.Text.RegularExpressions.Regex UnexpandedMacro = new(@"^\$\([A-Za-z_][A-Za-z0-9_.]*\)$");

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
            throw new UsageException(EngineErrorCodes.BadParametersFile, $"unknown key '{entry.Key}'",
                suggestions.Count > 0 ? $"did you mean {string.Join(", ", suggestions)}?" : "keys are parameter names; see ./build.sh --help",
                file.DisplayPath, entry.Line);
        }
    }
}

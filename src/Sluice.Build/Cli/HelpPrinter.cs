using System.Text;

namespace Sluice.Build;

/// <summary><c>--help</c>: targets with descriptions and dependencies, parameters with descriptions and defaults, environments, exit codes.</summary>
internal static class HelpPrinter
{
    public static void Print(TextWriter output, TargetCatalog catalog, IReadOnlyList<ParameterDescriptor> parameters,
        IReadOnlyDictionary<string, string?> defaults, IReadOnlyList<string> defaultTargets, EnvironmentProfiles environments)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: ./build.sh [TARGET ...] [--parameter value ...]");
        sb.AppendLine();
        sb.AppendLine("Targets:");
        var listed = catalog.Targets.Where(t => !t.IsUnlisted).ToList();
        var width = listed.Select(t => t.Name.Length).DefaultIfEmpty(8).Max() + 2;
        foreach (var target in listed)
        {
            var isDefault = defaultTargets.Contains(target.Name, StringComparer.OrdinalIgnoreCase) ? " (default)" : "";
            sb.Append("  ").Append((target.Name + isDefault).PadRight(width + 10)).Append(target.Description ?? "");
            if (target.DependsOn.Count > 0) sb.Append($"  [needs {string.Join(", ", target.DependsOn)}]");
            if (target.ActsOnEnvironment) sb.Append("  [acts on --env]");
            sb.AppendLine();
        }

        sb.AppendLine();
        sb.AppendLine("Parameters:");
        var rows = parameters.Select(p => (Option: $"--{p.OptionName} {ValueHint(p)}".TrimEnd(), Parameter: p)).ToList();
        var optionWidth = rows.Max(r => r.Option.Length) + 2;
        foreach (var (option, parameter) in rows)
        {
            sb.Append("  ").Append(option.PadRight(optionWidth)).Append(parameter.Description ?? "");
            var notes = new List<string>();
            if (parameter.IsSecret) notes.Add("secret");
            if (parameter.IsRequired) notes.Add("required");
            // A description that states its default itself ("(default: pipelines)") says it once, in its own words.
            var describesDefault = parameter.Description?.Contains("(default:", StringComparison.OrdinalIgnoreCase) == true;
            if (!describesDefault && defaults.GetValueOrDefault(parameter.MemberName) is { } value) notes.Add($"default: {value}");
            if (notes.Count > 0) sb.Append($" ({string.Join("; ", notes)})");
            sb.AppendLine();
        }
        sb.AppendLine("  Values also come from environment variables (the member name, or SLUICE_<NAME>), then");
        sb.AppendLine("  .nuke/parameters.<env>.json, then .nuke/parameters.json.");

        sb.AppendLine();
        sb.AppendLine($"Environments: {string.Join(", ", environments.Names)}");
        sb.AppendLine();
        sb.AppendLine("Exit codes: 0 done; 1 a target failed; 2 usage or input error, nothing touched;");
        sb.AppendLine("            3 the environment is busy (another runner holds its lease); 4 incomplete: run again to continue.");
        output.Write(sb.ToString());
    }

    private static string ValueHint(ParameterDescriptor parameter)
    {
        var type = parameter.UnderlyingType;
        var element = type.IsArray ? type.GetElementType()! : type;
        var hint = element switch
        {
            _ when element == typeof(bool) => "",
            _ when element == typeof(TimeSpan) => "SPAN",
            _ when element == typeof(AbsolutePath) => "PATH",
            _ when element.IsEnum => string.Join("|", Enum.GetNames(element).Select(ParameterNames.Kebab)),
            _ when element == typeof(int) || element == typeof(long) || element == typeof(double) => "N",
            _ when ParameterValueConverter.IsStructured(element) => "JSON",
            _ => "VALUE",
        };
        if (parameter.ImplicitValue is not null && hint.Length > 0) hint = $"[{hint}]";
        return type.IsArray ? $"{hint} ..." : hint;
    }
}

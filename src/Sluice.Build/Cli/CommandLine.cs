namespace Sluice.Build;

/// <summary>
/// The parsed command line: target names first, then options. <c>--name value...</c>, <c>--name=value</c>;
/// an option's values run until the next option (arrays) or for one token (scalars). An option with an implicit
/// value (booleans, <c>--plan</c>) takes the next token only when it reads as a value, so <c>--plan Promote</c> plans Promote.
/// </summary>
internal sealed record CommandLine(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, RawValue> Options)
{
    /// <summary>The arguments as given, with every value of a secret parameter replaced by <see cref="SecretRegistry.Mask"/>:
    /// what may be kept (run memory) or shown.</summary>
    public IReadOnlyList<string> Masked { get; init; } = [];

    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var byOption = parameters.ToDictionary(p => p.OptionName, StringComparer.OrdinalIgnoreCase);
        var targets = new List<string>();
        var options = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var masked = new List<string>();
        string? current = null;

        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var body = arg[2..];
                string? inline = null;
                var equals = body.IndexOf('=');
                if (equals > 0) (body, inline) = (body[..equals], body[(equals + 1)..]);
                var name = ParameterNames.Kebab(body);
                if (!byOption.ContainsKey(name))
                {
                    var suggestions = ParameterNames.Closest(name, byOption.Keys);
                    throw new UsageException(EngineErrorCodes.BadParameter, $"unknown parameter --{name}",
                        suggestions.Count > 0 ? $"did you mean {string.Join(", ", suggestions.Select(s => "--" + s))}?" : "run ./build.sh --help for the parameters");
                }
                if (!options.TryGetValue(name, out var list)) options[name] = list = [];
                if (inline is not null) { list.Add(inline); current = null; }
                else current = name;
                masked.Add(inline is not null && byOption[name].IsSecret ? $"--{arg[2..(2 + equals)]}={SecretRegistry.Mask}" : arg);
                continue;
            }

            if (current is null)
            {
                targets.Add(arg);
                masked.Add(arg);
                continue;
            }

            if (!byOption[current].Accepts(arg))
            {
                targets.Add(arg);
                masked.Add(arg);
                current = null;
                continue;
            }
            options[current].Add(arg);
            masked.Add(byOption[current].IsSecret ? SecretRegistry.Mask : arg);
            if (!byOption[current].UnderlyingType.IsArray) current = null;
        }

        return new CommandLine(targets, options.ToDictionary(
            o => o.Key,
            o => new RawValue(o.Value.Count == 0 && byOption[o.Key].ImplicitValue is { } implicitValue ? [implicitValue] : o.Value, null, "--" + o.Key),
            StringComparer.OrdinalIgnoreCase)) { Masked = masked };
    }
}

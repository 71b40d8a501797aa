namespace Sluice.Build;

/// <summary>Each parameter's value before binding, shown by <c>--help</c> as its default.</summary>
internal static class ParameterDefaults
{
    public static IReadOnlyDictionary<string, string?> Read(SluiceBuild build, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            if (parameter.IsSecret) { result[parameter.MemberName] = null; continue; }
            try
            {
                result[parameter.MemberName] = Format(parameter.ReadFrom(build));
            }
            catch (Exception)
            {
                // A component getter may depend on values that exist only during a run; it simply has no shown default.
                result[parameter.MemberName] = null;
            }
        }
        return result;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        false => null,
        string s when s.Length == 0 => null,
        AbsolutePath { Value: null } => null,
        TimeSpan t => Durations.Format(t),
        Array { Length: 0 } => null,
        Array a => string.Join(" ", a.Cast<object>()),
        Enum e => ParameterNames.Kebab(e.ToString()),
        _ => value.ToString(),
    };
}

namespace Sluice.Build;

/// <summary>Resolves every parameter from its sources, converts it, assigns class members and records all values.</summary>
internal static class ParameterBinder
{
    /// <returns>The value of every parameter that has one, by member name. Defaults are read from the members.</returns>
    public static Dictionary<string, object?> Bind(object build, IReadOnlyList<ParameterDescriptor> parameters,
        ParameterSources sources, AbsolutePath root, SecretRegistry secrets)
    {
        sources.RejectUnknownKeys(parameters);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            var raw = sources.Find(parameter);
            if (raw is null) continue;
            if (parameter.IsSecret)
            {
                // Before conversion: a conversion error quotes the raw text.
                foreach (var text in raw.Texts) secrets.Add(text);
            }
            var value = ParameterValueConverter.Convert(raw, parameter, root);
            if (parameter.IsSecret) RegisterSecret(value, secrets);
            values[parameter.MemberName] = value;
            if (!parameter.DeclaredBy.IsInterface) parameter.WriteTo(build, value);
        }
        return values;
    }

    private static void RegisterSecret(object? value, SecretRegistry secrets)
    {
        switch (value)
        {
            case string s: secrets.Add(s); break;
            case Array array:
                foreach (var item in array) secrets.Add(item?.ToString());
                break;
            case not null: secrets.Add(value.ToString()); break;
        }
    }
}

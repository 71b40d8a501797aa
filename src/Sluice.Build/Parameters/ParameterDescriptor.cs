using System.Reflection;

namespace Sluice.Build;

/// <summary>A parameter as the build declares it: where it lives, how it is spelled, whether it is secret or required.</summary>
/// <param name="MemberName">The member's own name; values are recorded under it (<c>this.Parameter&lt;T&gt;()</c> reads it).</param>
/// <param name="Name">The parameter's name in files and variables: the attribute's <c>Name</c>, else the member name.</param>
internal sealed record ParameterDescriptor(
    string MemberName,
    string Name,
    string OptionName,
    string? Description,
    Type ValueType,
    bool IsSecret,
    bool IsRequired,
    Type DeclaredBy,
    MemberInfo Member,
    string? ExplicitImplicitValue = null,
    bool ReadByEnvironmentTargets = false)
{
    /// <summary>The value the option takes when given bare: <c>true</c> for booleans, else the attribute's.</summary>
    public string? ImplicitValue => ExplicitImplicitValue ?? (UnderlyingType == typeof(bool) ? "true" : null);

    /// <summary>True when <paramref name="text"/> can be this option's value rather than a target name that follows a bare option.</summary>
    public bool Accepts(string text)
    {
        if (ImplicitValue is null) return true;
        if (UnderlyingType == typeof(bool)) return text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "1" or "0";
        if (UnderlyingType.IsEnum) return Enum.GetNames(UnderlyingType).Any(n => n.Equals(text.Replace("-", ""), StringComparison.OrdinalIgnoreCase));
        return true;
    }

    /// <summary>The type without <see cref="Nullable{T}"/>.</summary>
    public Type UnderlyingType => Nullable.GetUnderlyingType(ValueType) ?? ValueType;

    public object? ReadFrom(object build) => Member switch
    {
        FieldInfo f => f.GetValue(build),
        PropertyInfo p => p.GetValue(build),
        _ => null,
    };

    public void WriteTo(object build, object? value)
    {
        switch (Member)
        {
            case FieldInfo f: f.SetValue(build, value); break;
            case PropertyInfo { SetMethod: not null } p: p.SetValue(build, value); break;
        }
    }

    public static IReadOnlyList<ParameterDescriptor> Discover(Type buildType)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var result = new List<ParameterDescriptor>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        void Add(MemberInfo member, Type valueType, Type declaredBy)
        {
            var attribute = member.GetCustomAttribute<ParameterAttribute>();
            if (attribute is null) return;
            var name = attribute.Name ?? member.Name;
            if (!names.Add(name)) return; // a derived class or an implementation re-declares the same parameter
            result.Add(new ParameterDescriptor(
                member.Name, name, ParameterNames.Kebab(name), attribute.Description, valueType,
                member.GetCustomAttribute<SecretAttribute>() is not null,
                member.GetCustomAttribute<RequiredAttribute>() is not null,
                declaredBy, member, attribute.ImplicitValue,
                member.GetCustomAttribute<SecretAttribute>() is { ReadByEnvironmentTargets: true }));
        }

        for (var type = buildType; type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(all | BindingFlags.DeclaredOnly).OrderBy(f => f.MetadataToken))
                Add(field, field.FieldType, type);
            foreach (var property in type.GetProperties(all | BindingFlags.DeclaredOnly).Where(p => !p.Name.Contains('.')).OrderBy(p => p.MetadataToken))
                Add(property, property.PropertyType, type);
        }

        foreach (var component in buildType.GetInterfaces().OrderBy(i => i.FullName, StringComparer.Ordinal))
        foreach (var property in component.GetProperties(all).OrderBy(p => p.MetadataToken))
            Add(property, property.PropertyType, component);

        return result;
    }
}

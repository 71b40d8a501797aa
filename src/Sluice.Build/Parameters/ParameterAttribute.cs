namespace Sluice.Build;

/// <summary>
/// Marks a field or property of the build, or a property of a component interface, as a parameter.
/// Its command-line name is the member's name in kebab case (<c>TimeBudget</c> → <c>--time-budget</c>).
/// Component interfaces read their value with <c>this.Parameter&lt;T&gt;()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    public string? Description { get; } = description;

    /// <summary>Overrides the member name as the parameter's name (still kebab-cased on the command line).</summary>
    public string? Name { get; init; }

    /// <summary>The value an option given without a value takes (<c>--plan</c> means <c>--plan text</c>). Booleans take <c>true</c>.</summary>
    public string? ImplicitValue { get; init; }
}

/// <summary>The value never prints: it is redacted at every output sink and masked in CI logs.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute
{
    /// <summary>Every target marked <c>.Environment()</c> reads this secret (how an environment is reached, such as a
    /// connection string), so a CI job running one receives it without each target declaring it with
    /// <c>ReadsSecrets</c>. The component that defines the environment says so; the engine names no such parameter.</summary>
    public bool ReadByEnvironmentTargets { get; init; }
}

/// <summary>The run is a usage error (exit 2) when this parameter has no value and any target will execute.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

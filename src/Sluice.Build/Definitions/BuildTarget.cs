namespace Sluice.Build;

/// <summary>A target with its relations resolved to names; the planner and the CI writers work on these.</summary>
public sealed class BuildTarget
{
    internal BuildTarget(string name, Type declaredBy, TargetDefinition definition)
    {
        Name = name;
        DeclaredBy = declaredBy;
        Definition = definition;
    }

    public string Name { get; }

    /// <summary>The build class or component interface whose member declared the target.</summary>
    public Type DeclaredBy { get; }

    internal TargetDefinition Definition { get; }

    public string? Description => Definition.DescriptionText;
    public IReadOnlyList<string> DependsOn { get; internal set; } = [];
    public IReadOnlyList<string> After { get; internal set; } = [];
    public IReadOnlyList<string> Triggers { get; internal set; } = [];
    public bool IsUnlisted => Definition.IsUnlisted;
    public bool IsAssuredAfterFailure => Definition.IsAssuredAfterFailure;
    public bool IsProceedAfterFailure => Definition.IsProceedAfterFailure;
    public bool IsResumable => Definition.IsResumable;
    public bool ActsOnEnvironment => Definition.ActsOnEnvironment;
    public TimeSpan? Timeout => Definition.TimeoutValue;
    public IReadOnlyDictionary<string, string> Produces => Definition.ProducedEvidence;
    public IReadOnlyList<string> Consumes => Definition.ConsumedEvidence;

    /// <summary>The secret parameters the target reads (see <see cref="ITargetDefinition.ReadsSecrets"/>).</summary>
    public IReadOnlyList<string> Secrets => ActsOnEnvironment ? [.. Definition.SecretsRead.Union(EnvironmentSecrets)] : Definition.SecretsRead;

    /// <summary>The secrets every <c>.Environment()</c> target reads (<see cref="SecretAttribute.ReadByEnvironmentTargets"/>).</summary>
    internal IReadOnlyList<string> EnvironmentSecrets { get; set; } = [];

    public override string ToString() => Name;
}

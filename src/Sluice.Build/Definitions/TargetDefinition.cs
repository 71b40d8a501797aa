using System.Linq.Expressions;

namespace Sluice.Build;

/// <summary>What the fluent verbs recorded about one target. References to other targets stay unresolved
/// (functions of the build instance) until <see cref="TargetCatalog"/> maps them to names.</summary>
internal sealed class TargetDefinition : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public List<Func<object, Target>> DependsOnRefs { get; } = [];
    public List<Func<object, Target>> DependentForRefs { get; } = [];
    public List<Func<object, Target>> AfterRefs { get; } = [];
    public List<Func<object, Target>> BeforeRefs { get; } = [];
    public List<Func<object, Target>> TriggersRefs { get; } = [];
    public List<Func<object, Target>> TriggeredByRefs { get; } = [];
    public List<Condition> StaticConditions { get; } = [];
    public List<Condition> DynamicConditions { get; } = [];
    public List<Requirement> Requirements { get; } = [];
    public List<Func<CancellationToken, Task>> Actions { get; } = [];
    public List<Func<CancellationToken, Task>> Checks { get; } = [];
    public bool IsProceedAfterFailure { get; private set; }
    public bool IsAssuredAfterFailure { get; private set; }
    public bool IsUnlisted { get; private set; }
    public TimeSpan? TimeoutValue { get; private set; }
    public int RetryCount { get; private set; }
    public TimeSpan RetryDelay { get; private set; } = TimeSpan.FromSeconds(1);
    public bool IsResumable { get; private set; }
    public bool ActsOnEnvironment { get; private set; }
    public Dictionary<string, string> ProducedEvidence { get; } = new(StringComparer.Ordinal);
    public List<string> ConsumedEvidence { get; } = [];
    public List<string> SecretsRead { get; } = [];

    public ITargetDefinition Description(string description) { DescriptionText = description; return this; }

    public ITargetDefinition DependsOn(params Target[] targets) => Add(DependsOnRefs, targets);
    public ITargetDefinition DependsOn<TComponent>(params Func<TComponent, Target>[] targets) => Add(DependsOnRefs, targets);
    public ITargetDefinition DependentFor(params Target[] targets) => Add(DependentForRefs, targets);
    public ITargetDefinition DependentFor<TComponent>(params Func<TComponent, Target>[] targets) => Add(DependentForRefs, targets);
    public ITargetDefinition After(params Target[] targets) => Add(AfterRefs, targets);
    public ITargetDefinition After<TComponent>(params Func<TComponent, Target>[] targets) => Add(AfterRefs, targets);
    public ITargetDefinition Before(params Target[] targets) => Add(BeforeRefs, targets);
    public ITargetDefinition Before<TComponent>(params Func<TComponent, Target>[] targets) => Add(BeforeRefs, targets);
    public ITargetDefinition Triggers(params Target[] targets) => Add(TriggersRefs, targets);
    public ITargetDefinition Triggers<TComponent>(params Func<TComponent, Target>[] targets) => Add(TriggersRefs, targets);
    public ITargetDefinition TriggeredBy(params Target[] targets) => Add(TriggeredByRefs, targets);
    public ITargetDefinition TriggeredBy<TComponent>(params Func<TComponent, Target>[] targets) => Add(TriggeredByRefs, targets);

    public ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions)
    {
        StaticConditions.AddRange(conditions.Select(Condition.From));
        return this;
    }

    public ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions)
    {
        DynamicConditions.AddRange(conditions.Select(Condition.From));
        return this;
    }

    public ITargetDefinition Requires<T>(params Expression<Func<T>>[] requirements)
    {
        Requirements.AddRange(requirements.Select(Requirement.From));
        return this;
    }

    public ITargetDefinition ProceedAfterFailure() { IsProceedAfterFailure = true; return this; }
    public ITargetDefinition AssuredAfterFailure() { IsAssuredAfterFailure = true; return this; }
    public ITargetDefinition Unlisted() { IsUnlisted = true; return this; }

    public ITargetDefinition Validates(Func<CancellationToken, Task> check) { Checks.Add(check); return this; }

    public ITargetDefinition Executes(Action action) => Executes(_ => { action(); return Task.CompletedTask; });
    public ITargetDefinition Executes(Action<CancellationToken> action) => Executes(ct => { action(ct); return Task.CompletedTask; });
    public ITargetDefinition Executes(Func<Task> action) => Executes(_ => action());
    public ITargetDefinition Executes(Func<CancellationToken, Task> action) { Actions.Add(action); return this; }

    public ITargetDefinition Timeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout must be positive.");
        TimeoutValue = timeout;
        return this;
    }

    public ITargetDefinition Retries(int retries, TimeSpan? delay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        RetryCount = retries;
        if (delay is { } d) RetryDelay = d;
        return this;
    }

    public ITargetDefinition Resumable() { IsResumable = true; return this; }
    public ITargetDefinition Environment() { ActsOnEnvironment = true; return this; }

    public ITargetDefinition Produces(string evidence, string path)
    {
        ProducedEvidence[evidence] = path;
        return this;
    }

    public ITargetDefinition ReadsSecrets(params string[] parameters) { SecretsRead.AddRange(parameters); return this; }

    public ITargetDefinition Consumes(params string[] evidence)
    {
        ConsumedEvidence.AddRange(evidence);
        return this;
    }

    private TargetDefinition Add(List<Func<object, Target>> list, Target[] targets)
    {
        foreach (var target in targets) list.Add(_ => target);
        return this;
    }

    private TargetDefinition Add<TComponent>(List<Func<object, Target>> list, Func<TComponent, Target>[] targets)
    {
        foreach (var select in targets)
        {
            list.Add(build => build is TComponent component
                ? select(component)
                : throw new InvalidOperationException($"The build does not implement {typeof(TComponent).Name}, so its targets cannot be referenced."));
        }
        return this;
    }
}

/// <summary>A boolean condition with the source text it was written as, for notes such as "skipped: IsServerBuild was false".</summary>
internal sealed record Condition(string Text, Func<bool> Evaluate)
{
    public static Condition From(Expression<Func<bool>> expression) => new(ExpressionText.Of(expression.Body), expression.Compile());
}

/// <summary>A requirement: a parameter that must have a value, or a condition that must hold.</summary>
internal sealed record Requirement(string Text, Func<bool> IsMet)
{
    public static Requirement From<T>(Expression<Func<T>> expression)
    {
        var read = expression.Compile();
        var text = ExpressionText.Of(expression.Body);
        if (typeof(T) == typeof(bool)) return new Requirement(text, () => read() is true);
        return new Requirement(text, () => read() switch
        {
            null => false,
            string s => s.Length > 0,
            _ => true,
        });
    }
}

internal static class ExpressionText
{
    /// <summary>The expression as the user wrote it, less closure noise: <c>value(Build).Database</c> becomes <c>Database</c>.</summary>
    public static string Of(Expression expression) => expression switch
    {
        MemberExpression { Expression: ConstantExpression or ParameterExpression or null } member => member.Member.Name,
        MemberExpression { Expression: UnaryExpression { NodeType: ExpressionType.Convert } } member => member.Member.Name,
        UnaryExpression { NodeType: ExpressionType.Convert } convert => Of(convert.Operand),
        _ => System.Text.RegularExpressions.Regex.Replace(expression.ToString(), @"value\([^)]*\)\.", ""),
    };
}

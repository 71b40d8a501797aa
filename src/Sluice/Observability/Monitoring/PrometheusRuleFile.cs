using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sluice.Observability.Monitoring;

/// <summary>A Prometheus rule file (<c>groups:</c> of <c>rules:</c>), serialised by YamlDotNet.</summary>
public sealed record PrometheusRuleFile(IReadOnlyList<PrometheusRuleGroup> Groups)
{
    public string ToYaml(string headerComment)
    {
        var serializer = new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
            .DisableAliases()
            .Build();
        return $"# {headerComment}\n" + serializer.Serialize(this).ReplaceLineEndings("\n");
    }
}

public sealed record PrometheusRuleGroup(string Name, IReadOnlyList<AlertingRule> Rules);

/// <summary>One alerting rule: <c>for</c> is how long the condition must hold before the alert fires.</summary>
public sealed record AlertingRule(
    string Alert,
    string Expr,
    string For,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);

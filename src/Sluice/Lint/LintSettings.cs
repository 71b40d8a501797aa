using System.Globalization;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Runs;
using YamlDotNet.RepresentationModel;

namespace Sluice.Lint;

/// <summary>
/// A service's lint settings: the <c>lint</c> section of <c>pipelines/&lt;service&gt;/sluice.yaml</c>.
/// <code>
/// lint:
///   rules:                       # by code or name: off, info, warning or error
///     SLU221: off
///     rename: error
///   large_table_rows: 100000     # a lock on a table this large is an error (default 100000)
///   busy_per_second: 1           # ... and on a table with this many reads + writes per second (default 1)
///   max_lock_hold: 1s            # the rehearsal's limit for a lock that blocks readers or writers (default 1s)
/// </code>
/// Every key is checked: an unknown key, rule, level or a bad number is SLU162 with the file and line.
/// </summary>
/// <param name="Levels">Re-levelled rules by code; a null level turns the rule off.</param>
public sealed record LintSettings(IReadOnlyDictionary<string, FindingSeverity?> Levels, long LargeTableRows, double BusyPerSecond, TimeSpan MaxLockHold)
{
    public static LintSettings Default { get; } = new(new Dictionary<string, FindingSeverity?>(), 100_000, 1, TimeSpan.FromSeconds(1));

    private static readonly string[] TopKeys = ["sensitive_columns", "lint", "invariants"];
    private static readonly string[] LintKeys = ["rules", "large_table_rows", "busy_per_second", "max_lock_hold"];

    /// <summary>The rule's level for this service: its override, else null when the rule is off by default, else <paramref name="weighted"/>.</summary>
    public FindingSeverity? Level(LintRule rule, FindingSeverity? weighted) =>
        Levels.TryGetValue(rule.Code, out var level) ? level : weighted ?? rule.Default;

    /// <summary>Whether a rule reports at all for this service.</summary>
    public bool Enabled(LintRule rule) => Levels.TryGetValue(rule.Code, out var level) ? level is not null : rule.Default is not null;

    /// <summary>The settings of the service whose plans these are (the folder above <c>migrations/</c>).</summary>
    public static LintSettings ForPlans(IReadOnlyList<MigrationPlan> plans) =>
        plans.Count == 0 ? Default : Load(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(plans[0].Folder)))!);

    /// <summary>Reads sluice.yaml in the service folder; no file or no <c>lint</c> key means the defaults.</summary>
    public static LintSettings Load(string serviceFolder)
    {
        var file = Path.Combine(serviceFolder, "sluice.yaml");
        if (!File.Exists(file)) return Default;
        var stream = YamlInput.Load(File.ReadAllText(file), file, ErrorCodes.BadServiceConfig, "sluice.yaml", "fix the YAML");
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return Default;
        CheckKeys(root, TopKeys, file, "sluice.yaml");
        if (!root.Children.TryGetValue(new YamlScalarNode("lint"), out var node)) return Default;
        if (node is not YamlMappingNode lint) throw Bad("lint must be a mapping", "write lint: with rules:, large_table_rows:, busy_per_second: or max_lock_hold: under it", file, node);
        CheckKeys(lint, LintKeys, file, "lint");
        var settings = Default;
        var levels = new Dictionary<string, FindingSeverity?>();
        foreach (var (key, value) in lint.Children)
        {
            var name = ((YamlScalarNode)key).Value;
            var text = (value as YamlScalarNode)?.Value;
            switch (name)
            {
                case "rules":
                    if (value is not YamlMappingNode rules) throw Bad("lint.rules must map rule codes or names to off, info, warning or error", "write rules: {SLU221: off}", file, value);
                    foreach (var (ruleKey, levelNode) in rules.Children)
                    {
                        var rule = LintRules.Find(((YamlScalarNode)ruleKey).Value ?? "")
                            ?? throw Bad($"lint.rules names an unknown rule '{((YamlScalarNode)ruleKey).Value}'", "use a code or name from docs/lint.md", file, ruleKey);
                        levels[rule.Code] = ((levelNode as YamlScalarNode)?.Value?.ToLowerInvariant()) switch
                        {
                            "off" => null,
                            "info" => FindingSeverity.Info,
                            "warning" => FindingSeverity.Warning,
                            "error" => FindingSeverity.Error,
                            var other => throw Bad($"lint.rules.{((YamlScalarNode)ruleKey).Value} is '{other}', not off, info, warning or error", "write one of off, info, warning, error (quoted: 'off' is also YAML 1.1's false)", file, levelNode),
                        };
                    }
                    break;
                case "large_table_rows":
                    settings = settings with { LargeTableRows = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows > 0 ? rows
                        : throw Bad($"lint.large_table_rows is '{text}', not a positive whole number", "write large_table_rows: 100000", file, value) };
                    break;
                case "busy_per_second":
                    settings = settings with { BusyPerSecond = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var busy) && busy > 0 ? busy
                        : throw Bad($"lint.busy_per_second is '{text}', not a positive number", "write busy_per_second: 1", file, value) };
                    break;
                case "max_lock_hold":
                    settings = settings with { MaxLockHold = Durations.TryParse(text, out var hold) && hold > TimeSpan.Zero ? hold
                        : throw Bad($"lint.max_lock_hold is '{text}', not a duration", "write max_lock_hold: 1s (or 500ms, 2m)", file, value) };
                    break;
            }
        }
        return settings with { Levels = levels };
    }

    private static void CheckKeys(YamlMappingNode map, string[] known, string file, string where)
    {
        foreach (var key in map.Children.Keys)
            if (key is not YamlScalarNode { Value: { } name } || !known.Contains(name))
                throw Bad($"{where} has an unknown key '{(key as YamlScalarNode)?.Value}'", $"known keys: {string.Join(", ", known)}", file, key);
    }

    private static SluiceException Bad(string message, string remedy, string file, YamlNode node) =>
        SluiceException.Usage(ErrorCodes.BadLintConfig, message, remedy, file, (int)node.Start.Line);
}

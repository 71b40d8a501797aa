using System.Text.RegularExpressions;
using Sluice.Errors;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migrations.Plans;

/// <summary>Reads a <c>requires:</c> list of a plan or phase: each entry <c>service/plan_id@phase</c> (SLU300 naming the
/// file and line otherwise). Whether the names exist is <see cref="RequirementGraph"/>'s check, once every service is loaded.</summary>
internal static partial class RequiresReader
{
    public const string Key = "requires";

    public static IReadOnlyList<Requirement> Read(YamlMap map)
    {
        if (map.Node(Key) is not { } node) return [];
        if (node is not YamlSequenceNode list)
            throw map.Error(ErrorCodes.BadRequirement, node, $"'{Key}' must be a list",
                "write one entry per line: '  - billing/0003_split_invoice@switch_reads'");
        var entries = new List<Requirement>();
        foreach (var item in list.Children)
        {
            var text = (item as YamlScalarNode)?.Value ?? "";
            var match = Entry().Match(text);
            if (!match.Success)
                throw map.Error(ErrorCodes.BadRequirement, item, $"requirement '{text}' is not service/plan_id@phase",
                    "name another service's plan and phase, e.g. 'shop/0001_split_customer_name@read_split_name'");
            entries.Add(new Requirement(match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value, map.File, YamlMap.LineOf(item)));
        }
        return entries;
    }

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9_.\-]*)/([A-Za-z0-9][A-Za-z0-9_.\-]*)@([A-Za-z0-9][A-Za-z0-9_.\-]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Entry();
}

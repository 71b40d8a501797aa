using Sluice.Errors;
using Sluice.Migrations.Plans;
using YamlDotNet.RepresentationModel;

namespace Sluice.Environments.AsCode;

/// <summary>
/// Reads <c>.github/sluice-environments.yaml</c> strictly: unknown keys, values of the wrong kind, a reviewer that is
/// neither <c>user:</c> nor <c>team:</c>, a name used twice: each is SLU277 with the file and the line.
/// <code>
/// environments:
///   production:
///     reviewers: [{ team: db-owners }, { user: grace }]
///     prevent_self_review: true
///     wait_timer: 10          # minutes
///     branch_policies: [main, "release/*"]
///     secrets: [DATABASE]     # names only, never values
/// </code>
/// </summary>
public static class EnvironmentsFileReader
{
    private static readonly string[] TopKeys = ["environments"];
    private static readonly string[] EnvironmentKeys = ["reviewers", "prevent_self_review", "wait_timer", "branch_policies", "secrets"];
    private static readonly string[] ReviewerKeys = ["user", "team"];
    private const string Remedy = "see docs/github.md for the file's keys";

    public static EnvironmentsFile Read(string file) => Parse(File.ReadAllText(file), file);

    public static EnvironmentsFile Parse(string text, string file)
    {
        try
        {
            var stream = YamlInput.Load(text, file, ErrorCodes.BadEnvironmentsFile, Path.GetFileName(file), Remedy);
            if (stream.Documents.Count == 0) throw SluiceException.Usage(ErrorCodes.BadEnvironmentsFile, $"{Path.GetFileName(file)} is empty", Remedy, file, 1);
            var top = new YamlMap(stream.Documents[0].RootNode, file, Path.GetFileName(file), TopKeys);
            if (top.Node("environments") is not YamlMappingNode environments)
                throw top.Error(ErrorCodes.BadEnvironmentsFile, top.Node("environments") ?? stream.Documents[0].RootNode,
                    "'environments' must be a mapping of environment names to their settings", Remedy);
            var declared = new List<DeclaredEnvironment>();
            foreach (var (key, value) in environments.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? "";
                var map = new YamlMap(value, file, $"environment '{name}'", EnvironmentKeys);
                declared.Add(new DeclaredEnvironment(name, Reviewers(map, file), map.OptionalBool("prevent_self_review") ?? false,
                    map.OptionalInt("wait_timer", 0) ?? 0, Names(map, "branch_policies"), Names(map, "secrets"), YamlMap.LineOf(key)));
            }
            return new EnvironmentsFile(file, declared);
        }
        catch (SluiceException e) when (e.Code != ErrorCodes.BadEnvironmentsFile && e.Kind == ErrorKind.Usage)
        {
            // The plan reader's strict mapping is reused; its findings are this file's code.
            throw SluiceException.Usage(ErrorCodes.BadEnvironmentsFile, e.Message, e.Remedy, e.File, e.Line, e);
        }
    }

    private static IReadOnlyList<Reviewer> Reviewers(YamlMap map, string file)
    {
        var reviewers = new List<Reviewer>();
        foreach (var item in Sequence(map, "reviewers"))
        {
            var entry = new YamlMap(item, file, "a reviewer", ReviewerKeys);
            var user = entry.OptionalText("user");
            var team = entry.OptionalText("team");
            if ((user is null) == (team is null) || string.IsNullOrWhiteSpace(user ?? team))
                throw entry.Error(ErrorCodes.BadEnvironmentsFile, item, "a reviewer is either { user: LOGIN } or { team: SLUG }", Remedy);
            reviewers.Add(user is not null ? new Reviewer(ReviewerKind.User, user) : new Reviewer(ReviewerKind.Team, team!));
        }
        return reviewers;
    }

    private static IReadOnlyList<string> Names(YamlMap map, string key)
    {
        var names = new List<string>();
        foreach (var item in Sequence(map, key))
        {
            if (item is not YamlScalarNode { Value: { Length: > 0 } name })
                throw map.Error(ErrorCodes.BadEnvironmentsFile, item, $"each of '{key}' is a name", $"write {key}: [NAME, ...]");
            if (names.Contains(name, StringComparer.Ordinal))
                throw map.Error(ErrorCodes.BadEnvironmentsFile, item, $"'{name}' is listed twice in '{key}'", "list each once");
            names.Add(name);
        }
        return names;
    }

    private static IEnumerable<YamlNode> Sequence(YamlMap map, string key) => map.Node(key) switch
    {
        null => [],
        YamlSequenceNode sequence => sequence.Children,
        var other => throw map.Error(ErrorCodes.BadEnvironmentsFile, other, $"'{key}' must be a list", $"write {key}: [...]"),
    };
}

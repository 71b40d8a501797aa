using System.Text.RegularExpressions;
using Sluice.Errors;
using Sluice.Migrations.Hooks;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migrations.Plans;

/// <summary>
/// Reads a phase's <c>hooks:</c> block strictly. Every refusal names plan.yaml and the line, and exits 2 before anything
/// runs. The first row that matches wins:
/// <code>
/// #   What the block says                                                 Refused with
/// 1   a key other than before/after (hooks), name/enabled_by/http/        SLU021 (the closest key named)
///     command/revert/reason (a hook), or of http or command
/// 2   hooks, a hook, http or command not a mapping; before/after not a    SLU310
///     list; headers not a mapping of single values
/// 3   a hook without a name                                               SLU022
/// 4   a name other than lowercase letters, digits, '_', '-', '.'          SLU310
/// 5   a name used twice in the phase (before and after together), or an   SLU310
///     enabled_by that is not an environment variable name
/// 6   neither or both of http and command                                 SLU310
/// 7   a placeholder other than ${env} ${service} ${plan} ${phase}          SLU310
///     ${secret:NAME}
/// 8   a url that is not absolute http or https                            SLU310
/// 9   a method other than GET, POST, PUT, PATCH, DELETE                   SLU310
/// 10  an expected status outside 100-599                                  SLU310
/// 11  a timeout or backoff of zero                                        SLU310 (not a duration: SLU024)
/// 12  retries below 1                                                     SLU023
/// 13  a command with no argv, or argv not a list of single values         SLU310
/// 14  a working_dir outside the plan folder, or missing                   SLU310
/// 15  a credential inline: a credential header, URL user info, or a       SLU312
///     token/key/password query parameter or argument without ${secret:}
/// 16  'reason' on a hook whose revert is not 'none'                       SLU310
/// 17  'revert: none' without a reason                                     SLU311
/// 18  no revert on a hook of a phase that has a down                      SLU311
/// </code>
/// A phase without a down (irreversible, or a backfill whose data goes with the expand's down) may leave its hooks
/// without a revert; a rollback then journals them as undone by nothing.
/// </summary>
internal static partial class PhaseHookReader
{
    public static readonly string[] BlockKeys = ["before", "after"];
    private static readonly string[] HookKeys = ["name", "enabled_by", "http", "command", "revert", "reason"];
    private static readonly string[] RevertKeys = ["http", "command"];
    private static readonly string[] HttpKeys = ["url", "method", "expect", "headers", "body", "timeout", "retries", "backoff"];
    private static readonly string[] CommandKeys = ["argv", "timeout", "working_dir", "retries", "backoff"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static PhaseHooks Read(YamlMap block, string phaseName, bool hasDown, string folder)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var before = ReadSide(block, "before", phaseName, hasDown, folder, seen);
        var after = ReadSide(block, "after", phaseName, hasDown, folder, seen);
        return new PhaseHooks(before, after);
    }

    private static List<PhaseHook> ReadSide(YamlMap block, string side, string phaseName, bool hasDown, string folder, Dictionary<string, int> seen)
    {
        if (block.Node(side) is not { } node) return [];
        if (node is not YamlSequenceNode list)
            throw block.Error(ErrorCodes.BadHook, node, $"'{side}' of the hooks of phase '{phaseName}' must be a list",
                $"write '{side}:' followed by '- name: ...' items");
        var hooks = new List<PhaseHook>();
        foreach (var item in list.Children)
        {
            var hook = ReadHook(new YamlMap(item, block.File, $"a {side} hook of phase '{phaseName}'", HookKeys), phaseName, hasDown, folder);
            if (seen.TryGetValue(hook.Name, out var first))
                throw SluiceException.Usage(ErrorCodes.BadHook, $"hook name '{hook.Name}' appears twice in phase '{phaseName}' (first at line {first})",
                    "give each hook of a phase its own name: the journal and the idempotency key are made of it", block.File, hook.Line);
            seen[hook.Name] = hook.Line;
            hooks.Add(hook);
        }
        return hooks;
    }

    private static PhaseHook ReadHook(YamlMap map, string phaseName, bool hasDown, string folder)
    {
        var name = map.RequiredText("name", "add 'name: <hook name>', e.g. invalidate_customer_cache");
        if (!HookName().IsMatch(name))
            throw map.Error(ErrorCodes.BadHook, map.Node("name")!, $"hook name '{name}' is not valid",
                "use lowercase letters, digits, '_', '-' and '.', e.g. invalidate_customer_cache");
        var what = $"hook '{name}' of phase '{phaseName}'";
        var action = ReadAction(map, what, folder);
        var revertNode = map.Node("revert");
        var reasonNode = map.Node("reason");
        HookAction? revert = null;
        string? reason = null;
        if (revertNode is YamlScalarNode { Value: "none" })
        {
            reason = map.OptionalText("reason");
            if (string.IsNullOrWhiteSpace(reason))
                throw map.Error(ErrorCodes.HookWithoutRevert, revertNode, $"{what} says 'revert: none' without a reason",
                    "add 'reason: <why undoing the phase needs no call>', e.g. 'the cache refills itself from the database'");
        }
        else
        {
            if (reasonNode is not null)
                throw map.Error(ErrorCodes.BadHook, reasonNode, $"{what} has a 'reason' but its revert is not 'none'",
                    "'reason' says why a hook has no revert: remove it, or write 'revert: none'");
            if (revertNode is not null)
                revert = ReadAction(new YamlMap(revertNode, map.File, $"the revert of {what}", RevertKeys), $"the revert of {what}", folder);
            else if (hasDown)
                throw map.Error(ErrorCodes.HookWithoutRevert, map.Node("name")!, $"{what} has no revert, and the phase has a down",
                    "add 'revert:' with the http call or command that undoes it (run when the phase is rolled back), or 'revert: none' with a 'reason:'");
        }
        var enabledBy = map.OptionalText("enabled_by");
        if (enabledBy is not null && !VariableName().IsMatch(enabledBy))
            throw map.Error(ErrorCodes.BadHook, map.Node("enabled_by")!, $"'enabled_by' of {what} is '{enabledBy}', not an environment variable name",
                "name the variable whose presence says the layer exists here, e.g. 'enabled_by: SHOP_URL'");
        return new PhaseHook(name, action, revert, reason, map.Line) { EnabledBy = enabledBy };
    }

    /// <summary>The one action of <paramref name="map"/>: its <c>http</c> or its <c>command</c>.</summary>
    private static HookAction ReadAction(YamlMap map, string what, string folder)
    {
        var http = map.Node("http");
        var command = map.Node("command");
        if ((http is null) == (command is null))
            throw SluiceException.Usage(ErrorCodes.BadHook, $"{what} has {(http is null ? "neither" : "both")} 'http' and 'command'",
                "give it exactly one: 'http:' with a url, or 'command:' with an argv", map.File, (command ?? http ?? map.Node("name")) is { } at ? YamlMap.LineOf(at) : map.Line);
        return http is not null
            ? ReadHttp(new YamlMap(http, map.File, $"the http call of {what}", HttpKeys), what)
            : ReadCommand(new YamlMap(command!, map.File, $"the command of {what}", CommandKeys), what, folder);
    }

    private static HttpHookAction ReadHttp(YamlMap map, string what)
    {
        var url = map.RequiredText("url", "add 'url: https://host/path' (placeholders allowed: ${env}, ${service}, ${plan}, ${phase}, ${secret:NAME})");
        CheckPlaceholders(map, "url", url);
        if (!AbsoluteUrl().IsMatch(url))
            throw map.Error(ErrorCodes.BadHook, map.Node("url")!, $"the url of {what} is '{url}', not an absolute http or https url",
                "write 'http://' or 'https://', a host (or ${secret:NAME} holding the base), and a path");
        if (UserInfo().IsMatch(url))
            throw map.Error(ErrorCodes.HookSecret, map.Node("url")!, $"the url of {what} carries user info inline",
                "pass credentials through a header from ${secret:NAME}, e.g. 'Authorization: Bearer ${secret:CACHE_TOKEN}'");
        if (CredentialQuery().Match(url) is { Success: true } query && !HookPlaceholders.HasSecret(query.Groups[2].Value))
            throw map.Error(ErrorCodes.HookSecret, map.Node("url")!, $"the url of {what} carries '{query.Groups[1].Value}' inline",
                $"write '{query.Groups[1].Value}=${{secret:NAME}}' and set the environment variable NAME for the run");
        var method = (map.OptionalText("method") ?? "POST").ToUpperInvariant();
        if (!Methods.Contains(method, StringComparer.Ordinal))
            throw map.Error(ErrorCodes.BadHook, map.Node("method")!, $"the method of {what} is '{method}'", $"use one of {string.Join(", ", Methods)}");
        var expect = ReadStatuses(map, what);
        var headers = new List<KeyValuePair<string, string>>();
        if (map.Node("headers") is { } headerNode)
        {
            if (headerNode is not YamlMappingNode mapping)
                throw map.Error(ErrorCodes.BadHook, headerNode, $"the headers of {what} must be a mapping", "write 'headers:' followed by 'Name: value' lines");
            foreach (var (key, value) in mapping.Children)
            {
                if (key is not YamlScalarNode { Value: { Length: > 0 } header } || value is not YamlScalarNode { Value: { } text })
                    throw map.Error(ErrorCodes.BadHook, key, $"a header of {what} is not 'Name: value'", "write each header as 'Name: value'");
                CheckPlaceholderText(map, value, $"header {header}", text);
                if (CredentialHeader().IsMatch(header) && !HookPlaceholders.HasSecret(text))
                    throw map.Error(ErrorCodes.HookSecret, value, $"header '{header}' of {what} is written inline",
                        $"take it from a secret: '{header}: Bearer ${{secret:NAME}}', with the environment variable NAME set for the run");
                headers.Add(new(header, text));
            }
        }
        var body = map.OptionalText("body");
        if (body is not null) CheckPlaceholders(map, "body", body);
        return new HttpHookAction(url, method, expect, headers, body,
            PositiveDuration(map, "timeout", what) ?? HttpHookAction.DefaultTimeout,
            map.OptionalInt("retries", 1) ?? HttpHookAction.DefaultAttempts,
            PositiveDuration(map, "backoff", what) ?? HookAction.DefaultBackoff);
    }

    private static List<int> ReadStatuses(YamlMap map, string what)
    {
        var node = map.Node("expect");
        var items = node switch
        {
            null => [],
            YamlScalarNode scalar => [scalar],
            YamlSequenceNode list => list.Children.ToList(),
            _ => throw map.Error(ErrorCodes.BadHook, node, $"'expect' of {what} must be a status or a list of them", "write 'expect: 204' or 'expect: [200, 204]'"),
        };
        var statuses = new List<int>();
        foreach (var item in items)
        {
            if (item is not YamlScalarNode { Value: { } text } || !int.TryParse(text, System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var status) || status is < 100 or > 599)
                throw map.Error(ErrorCodes.BadHook, item, $"'expect' of {what} has '{(item as YamlScalarNode)?.Value}', not an HTTP status",
                    "write statuses between 100 and 599, e.g. 'expect: 204'");
            statuses.Add(status);
        }
        return statuses;
    }

    private static CommandHookAction ReadCommand(YamlMap map, string what, string folder)
    {
        var argvNode = map.Node("argv");
        if (argvNode is not YamlSequenceNode { Children.Count: > 0 } list
            || list.Children.Any(c => c is not YamlScalarNode { Value.Length: > 0 }))
            throw SluiceException.Usage(ErrorCodes.BadHook, $"the command of {what} has no argv",
                "write 'argv: [program, arg1, arg2]': the program and its arguments, run without a shell", map.File, argvNode is null ? map.Line : YamlMap.LineOf(argvNode));
        var argv = list.Children.Cast<YamlScalarNode>().Select(c => c.Value!).ToList();
        for (var i = 0; i < argv.Count; i++)
        {
            CheckPlaceholderText(map, list.Children[i], "argv", argv[i]);
            var inline = CredentialArgument().Match(argv[i]) is { Success: true } assigned && !HookPlaceholders.HasSecret(assigned.Groups[3].Value)
                         || CredentialFlag().IsMatch(argv[i]) && i + 1 < argv.Count && !HookPlaceholders.HasSecret(argv[i + 1]);
            if (inline)
                throw map.Error(ErrorCodes.HookSecret, list.Children[i], $"the command of {what} passes a credential inline ('{argv[i]}')",
                    "pass it as ${secret:NAME} (the environment variable NAME, set for the run), never in the plan");
        }
        var working = map.OptionalText("working_dir") ?? ".";
        var path = Path.GetFullPath(Path.Combine(folder, working));
        if (Path.IsPathRooted(working) || (path != folder && !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)) || !Directory.Exists(path))
            throw map.Error(ErrorCodes.BadHook, map.Node("working_dir")!, $"the working_dir of {what} is '{working}', not a folder inside the plan folder",
                "name a folder inside the plan folder, relative to it (default: the plan folder itself)");
        return new CommandHookAction(argv, path,
            PositiveDuration(map, "timeout", what) ?? CommandHookAction.DefaultTimeout,
            map.OptionalInt("retries", 1) ?? CommandHookAction.DefaultAttempts,
            PositiveDuration(map, "backoff", what) ?? HookAction.DefaultBackoff);
    }

    private static void CheckPlaceholders(YamlMap map, string key, string text) => CheckPlaceholderText(map, map.Node(key)!, key, text);

    private static void CheckPlaceholderText(YamlMap map, YamlNode node, string where, string text)
    {
        if (HookPlaceholders.FirstUnknown(text) is { } unknown)
            throw map.Error(ErrorCodes.BadHook, node, $"'{where}' uses the placeholder '${{{unknown}}}', which Sluice does not know",
                $"use {string.Join(", ", HookPlaceholders.Names.Select(n => $"${{{n}}}"))} or ${{secret:NAME}} (an environment variable set for the run)");
    }

    private static TimeSpan? PositiveDuration(YamlMap map, string key, string what)
    {
        var value = map.OptionalDuration(key);
        if (value is { } duration && duration <= TimeSpan.Zero)
            throw map.Error(ErrorCodes.BadHook, map.Node(key)!, $"'{key}' of {what} is zero", "write a positive duration, e.g. 5s");
        return value;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HookName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^(https?://[^/\s]+|\$\{secret:[A-Za-z_][A-Za-z0-9_]*\})(/\S*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"^https?://[^/@\s]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"[?&]((?:access_)?token|api_?key|key|password|secret|sig)=([^&]*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CredentialQuery();

    [GeneratedRegex(@"^(authorization|proxy-authorization|cookie|.*(token|secret|password|api-?key).*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CredentialHeader();

    [GeneratedRegex(@"^--?([\w-]*(password|token|secret|api-?key)[\w-]*|pass|auth)=(.*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CredentialArgument();

    [GeneratedRegex(@"^--?([\w-]*(password|token|secret|api-?key)[\w-]*|pass|auth)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CredentialFlag();
}

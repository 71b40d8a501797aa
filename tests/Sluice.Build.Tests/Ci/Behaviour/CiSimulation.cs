using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>How a target behaves when a job runs it: its exit code and the step outputs the host writes. Keyed by the
/// target (<c>Promote</c>), or by the target and one of its arguments (<c>Canary:route</c>) for one stage of it.</summary>
public sealed record TargetBehaviour(int ExitCode, IReadOnlyDictionary<string, string>? Outputs = null);

/// <summary>One run to simulate: what started it, its inputs or parameters, how each target behaves, which
/// environments' reviewers reject the deployment.</summary>
public sealed record CiScenario(string Trigger, IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, TargetBehaviour> Targets,
    IReadOnlySet<string>? RejectedEnvironments = null, string Sha = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c");

/// <summary>What one job did: its result (success, failure, skipped), the commands it ran, its outputs, what its
/// scripts printed (where the dialects' error lines appear).</summary>
public sealed record JobRun(string Id, string Result, IReadOnlyList<string> Calls, IReadOnlyDictionary<string, string> Outputs, string Log = "");

/// <summary>
/// Runs a job's scripts as written, in bash, with fake <c>./build.sh</c>, <c>gh</c> and <c>az</c> that record their
/// arguments (and which <c>SLUICE_*</c> secrets reached them) and behave as the scenario says: so what the tests check
/// is what the generated YAML really does.
/// </summary>
public sealed class FakeTools : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("sluice-ci-sim-").FullName;
    private string Calls => Path.Combine(Folder, "calls.txt");
    private string Behaviour => Path.Combine(Folder, "behaviour");

    public FakeTools(CiScenario scenario, string dialect)
    {
        Directory.CreateDirectory(Behaviour);
        Directory.CreateDirectory(Path.Combine(Folder, "bin"));
        foreach (var (target, behaviour) in scenario.Targets)
        {
            File.WriteAllText(Path.Combine(Behaviour, target + ".code"), behaviour.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(Behaviour, target + ".outputs"), string.Concat((behaviour.Outputs ?? new Dictionary<string, string>()).Select(o => $"{o.Key}={o.Value}\n")));
        }
        // The fake writes outputs the way each host does (GitHubActionsHost: $GITHUB_OUTPUT; AzurePipelinesHost: ##vso).
        var write = dialect == "github" ? "echo \"$k=$v\" >> \"$GITHUB_OUTPUT\"" : "echo \"##vso[task.setvariable variable=$k;isOutput=true]$v\"";
        Script(Path.Combine(Folder, "build.sh"), $$"""
            #!/usr/bin/env bash
            secrets=$(env | grep -o '^SLUICE_[A-Z_]*' | sort | tr '\n' ' ')
            echo "build.sh $* | secrets: $secrets" >> "{{Calls}}"
            code=0
            # A behaviour keyed TARGET:ARGUMENT (Canary:route) wins over the target's own (Canary).
            key="$1"
            for a in "${@:2}"; do [ -f "{{Behaviour}}/$1:$a.code" ] && { key="$1:$a"; break; }; done
            [ -f "{{Behaviour}}/$key.code" ] && code=$(cat "{{Behaviour}}/$key.code")
            if [ -f "{{Behaviour}}/$key.outputs" ]; then
              while IFS='=' read -r k v; do {{write}}; done < "{{Behaviour}}/$key.outputs"
            fi
            exit $code
            """);
        Script(Path.Combine(Folder, "bin", "gh"), $"#!/usr/bin/env bash\necho \"gh $*\" >> \"{Calls}\"\n");
        Script(Path.Combine(Folder, "bin", "az"), $"#!/usr/bin/env bash\n[ \"$2\" = configure ] || echo \"az $*\" >> \"{Calls}\"\n");
    }

    private static void Script(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Runs one script; returns its exit code and stdout, and the calls it made.</summary>
    public (int ExitCode, string Output, IReadOnlyList<string> Calls) Run(string script, IReadOnlyDictionary<string, string> env)
    {
        if (File.Exists(Calls)) File.Delete(Calls);
        var file = Path.Combine(Folder, "step.sh");
        File.WriteAllText(file, script + "\n");
        var start = new ProcessStartInfo("bash", ["--noprofile", "--norc", "-eo", "pipefail", file])
        {
            WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Path.Combine(Folder, "bin") + ":/usr/bin:/bin";
        foreach (var (key, value) in env) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        IReadOnlyList<string> calls = File.Exists(Calls) ? File.ReadAllLines(Calls) : [];
        return (process.ExitCode, output, calls);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public static class Yaml
{
    public static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Text(this YamlNode node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)) : [];

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode seq ? seq.Children : node is YamlScalarNode s ? [s] : [];
}

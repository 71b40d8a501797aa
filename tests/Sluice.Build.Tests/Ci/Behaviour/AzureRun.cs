using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>
/// An Azure Pipelines run of a generated file, as the service would do it: <c>${{ parameters.x }}</c> expanded when
/// the file is compiled (booleans as <c>True</c>/<c>False</c>), jobs in <c>dependsOn</c> order with their
/// <c>condition</c> (default <c>succeeded()</c>), <c>$[ ]</c> job variables, a rejected approval failing a deployment
/// job before any step, <c>$(NAME)</c> macros expanded from the job's variables and left as they are when undefined
/// (as Azure does), scripts run in bash, and output variables read from <c>##vso[task.setvariable]</c> lines.
/// </summary>
public static partial class AzureRun
{
    /// <summary>The variables each group defines in the scenario (the connection string secret, by default).</summary>
    public static IReadOnlyDictionary<string, string> DefaultGroup { get; } = new Dictionary<string, string> { ["DATABASE"] = "Host=db;Database=shop" };

    /// <param name="events">Approvals requested and jobs run, in order, when given.</param>
    /// <param name="template">Reads a template the pipeline includes (<c>- template: PATH</c>), by its path.</param>
    public static IReadOnlyDictionary<string, JobRun> Simulate(string pipelineYaml, CiScenario scenario, IReadOnlyDictionary<string, string>? group = null, List<string>? events = null,
        Func<string, string>? template = null)
    {
        var declared = Yaml.Load(pipelineYaml).Get("parameters").Items().ToDictionary(p => p.Text("name")!, p => (Type: p.Text("type"), Default: p.Text("default")));
        string Parameter(string name)
        {
            var value = scenario.Inputs.GetValueOrDefault(name) ?? declared[name].Default ?? "";
            return declared[name].Type == "boolean" ? (value.Equals("true", StringComparison.OrdinalIgnoreCase) ? "True" : "False") : value;
        }
        var compiled = Yaml.Load(TemplateParameter().Replace(pipelineYaml, m => Parameter(m.Groups[1].Value)));
        // Plain jobs are one stage without a name; approvals of a stage's deployments are requested when it starts.
        // An included template is compiled with the values its caller passes (the caller's own already expanded), else its defaults.
        List<YamlNode> Expand(YamlNode? items, string key) => items.Items().SelectMany(item =>
        {
            if (item.Text("template") is not { } path) return [item];
            var text = (template ?? throw new InvalidOperationException($"the pipeline includes {path}: pass a template reader"))(path);
            var own = Yaml.Load(text).Get("parameters").Items().ToDictionary(p => p.Text("name")!, p => p.Text("default") ?? "");
            var given = item.Get("parameters").Entries().ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "");
            return Yaml.Load(TemplateParameter().Replace(text, m => given.TryGetValue(m.Groups[1].Value, out var v) ? v : own[m.Groups[1].Value])).Get(key).Items();
        }).ToList();
        var stages = compiled.Get("stages") is { } declared2
            ? Expand(declared2, "stages").Select(st => (Name: st.Text("stage"), DependsOn: st.Get("dependsOn").Items().Select(n => ((YamlScalarNode)n).Value!).ToList(), Jobs: st.Get("jobs").Items().ToList())).ToList()
            : [(Name: (string?)null, DependsOn: new List<string>(), Jobs: Expand(compiled.Get("jobs"), "jobs"))];
        var runs = new Dictionary<string, JobRun>();
        var stageOf = new Dictionary<string, string?>();
        var stageResults = new Dictionary<string, string>();
        foreach (var stage in stages)
        {
            var go = stage.DependsOn.All(d => stageResults[d] == "Succeeded");
            if (go)
                foreach (var job in stage.Jobs.Where(j => j.Text("deployment") is not null))
                    events?.Add($"approval {job.Text("environment")}");
            var inStage = new Dictionary<string, JobRun>();
            while (inStage.Count < stage.Jobs.Count)
            {
                var job = stage.Jobs.First(j => !inStage.ContainsKey(Name(j)) && DependsOn(j).All(inStage.ContainsKey));
                var run = go ? RunCells(job, scenario, inStage, runs, stageOf, group ?? DefaultGroup) : new JobRun(Name(job), "Skipped", [], new Dictionary<string, string>());
                if (run.Result != "Skipped") events?.Add($"run {run.Id}");
                inStage[run.Id] = run;
            }
            foreach (var (id, run) in inStage) { runs[id] = run; stageOf[id] = stage.Name; }
            if (stage.Name is not null) stageResults[stage.Name] = !go ? "Skipped" : inStage.Values.Any(r => r.Result == "Failed") ? "Failed" : "Succeeded";
        }
        return runs;
    }

    private static string Name(YamlNode job) => job.Text("job") ?? job.Text("deployment")!;

    /// <summary>A job with <c>strategy: matrix</c> runs once per cell, the cell's variables added to the job's; the runs
    /// are reported as one (calls in cell order).</summary>
    private static JobRun RunCells(YamlNode job, CiScenario scenario, Dictionary<string, JobRun> runs, Dictionary<string, JobRun> earlier,
        Dictionary<string, string?> stageOf, IReadOnlyDictionary<string, string> group)
    {
        var cells = job.Get("strategy")?.Get("matrix").Entries().ToList();
        if (cells is null || cells.Count == 0 || job.Text("deployment") is not null) return RunJob(job, scenario, runs, earlier, stageOf, group, new Dictionary<string, string>());
        var each = cells.Select(c => RunJob(job, scenario, runs, earlier, stageOf, group, c.Value.Entries().ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!))).ToList();
        return new JobRun(Name(job), each.All(r => r.Result != "Failed") ? each[0].Result : "Failed", each.SelectMany(r => r.Calls).ToList(), new Dictionary<string, string>(), string.Concat(each.Select(r => r.Log)));
    }

    private static IReadOnlyList<string> DependsOn(YamlNode job) => job.Get("dependsOn").Items().Select(n => ((YamlScalarNode)n).Value!).ToList();

    private static JobRun RunJob(YamlNode job, CiScenario scenario, Dictionary<string, JobRun> runs, Dictionary<string, JobRun> earlier,
        Dictionary<string, string?> stageOf, IReadOnlyDictionary<string, string> group, IReadOnlyDictionary<string, string> cell)
    {
        var name = Name(job);
        var depends = DependsOn(job);
        var reason = scenario.Trigger switch { "schedule" => "Schedule", "pull_request" => "PullRequest", "push" => "IndividualCI", _ => "Manual" };
        object? Lookup(string path, string? index)
        {
            if (path == "variables" && index == "Build.Reason") return reason;
            var parts = path.Split('.');
            if (parts[0] == "dependencies" && depends.Contains(parts[1]))
                return parts[2] == "result" ? runs[parts[1]].Result : runs[parts[1]].Outputs.GetValueOrDefault(index!);
            if (parts[0] == "stageDependencies" && earlier.TryGetValue(parts[2], out var other) && stageOf[parts[2]] == parts[1])
                return other.Outputs.GetValueOrDefault(index!);
            throw new FormatException($"job {name}: {path}[{index}] is not modelled (or not a dependency)");
        }
        var expression = new AzureExpression(Lookup, (function, argument) => function switch
        {
            "succeeded" => argument is null ? depends.All(d => runs[d].Result == "Succeeded") : runs[argument].Result == "Succeeded",
            "failed" => argument is null ? depends.Any(d => runs[d].Result == "Failed") : runs[argument].Result == "Failed",
            "always" => true,
            _ => throw new FormatException($"{function}() is not modelled"),
        });
        var condition = job.Text("condition") ?? "succeeded()";
        if (!AzureExpression.Truthy(expression.Evaluate(condition))) return new JobRun(name, "Skipped", [], new Dictionary<string, string>());
        if (job.Text("deployment") is not null && scenario.RejectedEnvironments?.Contains(job.Text("environment")!) == true)
            return new JobRun(name, "Failed", [], new Dictionary<string, string>());

        var variables = new Dictionary<string, string>
        {
            ["System.AccessToken"] = "azure-token", ["System.DefinitionId"] = "7", ["Build.SourceBranch"] = "refs/heads/main",
            ["Build.SourceVersion"] = scenario.Sha, ["System.CollectionUri"] = "https://dev.azure.com/team/", ["System.TeamProject"] = "service",
        };
        foreach (var (key, value) in cell) variables[key] = value;
        foreach (var variable in job.Get("variables").Items())
        {
            if (variable.Text("group") is not null) foreach (var (key, value) in group) variables[key] = value;
            else if (variable.Text("name") is { } key)
            {
                var value = variable.Text("value")!;
                variables[key] = RuntimeExpression().Match(value) is { Success: true } m ? AzureExpression.Text(expression.Evaluate(m.Groups[1].Value)) : value;
            }
        }
        string Macros(string text) => Macro().Replace(text, m => variables.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

        // A deployment's hooks run in lifecycle order; then on: success when all succeeded, or on: failure when one failed.
        var runOnce = job.Get("strategy")?.Get("runOnce");
        var hooks = job.Get("steps") is { } plain
            ? [(Hook: "steps", Steps: plain)]
            : new[] { "preDeploy", "deploy", "routeTraffic", "postRouteTraffic" }.Select(h => (Hook: h, Steps: runOnce!.Get(h)?.Get("steps"))).Where(h => h.Steps is not null)
                .Select(h => (h.Hook, Steps: h.Steps!)).ToList();
        using var tools = new FakeTools(scenario, "azure");
        var calls = new List<string>();
        var outputs = new Dictionary<string, string>();
        var log = new System.Text.StringBuilder();
        var failed = false;
        var ordered = hooks.SelectMany(h => h.Steps.Items().Select(st => (h.Hook, Step: st))).ToList();
        foreach (var (hook, step) in ordered.Concat(Lazy(() => runOnce?.Get("on")?.Get(failed ? "failure" : "success")?.Get("steps").Items().Select(st => ("on", st)) ?? [])))
        {
            var when = step.Text("condition");
            var due = hook == "on" || when is "always()" || (failed ? when is "failed()" : when is not "failed()");
            if (!due) continue;
            if (step.Text("bash") is not { } script) continue; // checkout, tasks and publish change nothing here
            var env = new Dictionary<string, string> { ["BUILD_REASON"] = reason };
            foreach (var (key, value) in step.Get("env").Entries()) env[key] = Macros(((YamlScalarNode)value).Value!);
            var (code, output, made) = tools.Run(Macros(script), env);
            calls.AddRange(made);
            log.Append(output);
            foreach (Match set in SetVariable().Matches(output))
                if (step.Text("name") is { } stepName)
                {
                    outputs[(job.Text("deployment") is not null ? $"{name}." : "") + $"{stepName}.{set.Groups[1].Value}"] = set.Groups[2].Value.TrimEnd('\r');
                    variables[$"{stepName}.{set.Groups[1].Value}"] = set.Groups[2].Value.TrimEnd('\r'); // $(step.var) in the later steps of the job
                }
            if (code != 0) failed = true;
        }
        return new JobRun(name, failed ? "Failed" : "Succeeded", calls, outputs, log.ToString());
    }

    /// <summary>Enumerated when reached: which <c>on:</c> hook runs depends on the steps before it.</summary>
    private static IEnumerable<T> Lazy<T>(Func<IEnumerable<T>> items) { foreach (var item in items()) yield return item; }

    [GeneratedRegex(@"\$\{\{\s*parameters\.(\w+)\s*\}\}")]
    private static partial Regex TemplateParameter();

    [GeneratedRegex(@"^\$\[\s*(.*?)\s*\]$")]
    private static partial Regex RuntimeExpression();

    [GeneratedRegex(@"\$\(([A-Za-z0-9_.]+)\)")]
    private static partial Regex Macro();

    [GeneratedRegex(@"##vso\[task\.setvariable variable=([^;\]]+);isOutput=true\](.*)")]
    private static partial Regex SetVariable();
}

/// <summary>The subset of Azure's expression language the writer emits: <c>and or not eq ne in</c>, the status
/// functions, string literals, <c>variables['x']</c> and <c>dependencies.job.outputs['job.step.var']</c>.</summary>
public sealed partial class AzureExpression(Func<string, string?, object?> lookup, Func<string, string?, bool> status)
{
    private List<string> _tokens = [];
    private int _at;

    public static bool Truthy(object? value) => value switch { null => false, bool b => b, string s => s.Length > 0, _ => true };

    public static string Text(object? value) => value switch { null => "", bool b => b ? "True" : "False", _ => value.ToString() ?? "" };

    public object? Evaluate(string expression)
    {
        _tokens = Token().Matches(expression).Select(m => m.Value).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        _at = 0;
        var value = Value();
        if (_at != _tokens.Count) throw new FormatException($"unexpected '{_tokens[_at]}' in {expression}");
        return value;
    }

    private object? Value()
    {
        var token = _tokens[_at++];
        if (token.StartsWith('\'')) return token[1..^1];
        if (_at < _tokens.Count && _tokens[_at] == "(")
        {
            _at++;
            var arguments = new List<object?>();
            while (_tokens[_at] != ")") { arguments.Add(Value()); if (_tokens[_at] == ",") _at++; }
            _at++;
            string T(int i) => Text(arguments[i]);
            return token switch
            {
                "and" => arguments.All(Truthy),
                "or" => arguments.Any(Truthy),
                "not" => !Truthy(arguments[0]),
                "eq" => string.Equals(T(0), T(1), StringComparison.OrdinalIgnoreCase),
                "ne" => !string.Equals(T(0), T(1), StringComparison.OrdinalIgnoreCase),
                "in" => arguments.Skip(1).Any(a => string.Equals(T(0), Text(a), StringComparison.OrdinalIgnoreCase)),
                "succeeded" or "failed" or "always" => status(token, arguments.Count > 0 ? T(0) : null),
                _ => throw new FormatException($"function {token} is not in the subset the writer emits"),
            };
        }
        string? index = null;
        if (_at < _tokens.Count && _tokens[_at] == "[") { index = _tokens[_at + 1][1..^1]; _at += 3; }
        return lookup(token, index);
    }

    [GeneratedRegex(@"'(?:[^']|'')*'|[(),\[\]]|[A-Za-z_][A-Za-z0-9_.\-]*|\s+")]
    private static partial Regex Token();
}

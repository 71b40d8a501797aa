using YamlDotNet.RepresentationModel;

namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>
/// A GitHub Actions run of a generated workflow, as the runner would do it: jobs in <c>needs</c> order, each job's
/// <c>if:</c> evaluated (with the implicit <c>success()</c> when it names no status function), an environment whose
/// reviewers reject the deployment failing the job before any step, step <c>env:</c> values expanded, scripts run in
/// bash, step outputs read from <c>$GITHUB_OUTPUT</c> and job outputs from the <c>outputs:</c> map.
/// </summary>
public static class GitHubRun
{
    public static IReadOnlyDictionary<string, JobRun> Simulate(string workflowYaml, CiScenario scenario)
    {
        var workflow = Yaml.Load(workflowYaml);
        var inputs = new Dictionary<string, object?>();
        if (scenario.Trigger == "workflow_dispatch")
            foreach (var (name, input) in workflow.Get("on")!.Get("workflow_dispatch")!.Get("inputs").Entries())
                inputs[name] = scenario.Inputs.TryGetValue(name, out var given) ? given : input.Text("default");
        var jobs = workflow.Get("jobs").Entries().ToDictionary(e => e.Key, e => e.Value);
        var runs = new Dictionary<string, JobRun>();
        while (runs.Count < jobs.Count)
        {
            var (id, job) = jobs.First(j => !runs.ContainsKey(j.Key) && Needs(j.Value).All(runs.ContainsKey));
            // A matrix job runs once per include entry; the runs are reported as one (calls in cell order).
            var cells = job.Get("strategy")?.Get("matrix")?.Get("include").Items().Select(c => c.Entries().ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!)).ToList();
            if (cells is null) runs[id] = RunJob(id, job, scenario, inputs, runs, new Dictionary<string, string>());
            else
            {
                var each = cells.Select(cell => RunJob(id, job, scenario, inputs, runs, cell)).ToList();
                runs[id] = new JobRun(id, each.All(r => r.Result == "success") ? "success" : "failure", each.SelectMany(r => r.Calls).ToList(),
                    new Dictionary<string, string>(), string.Concat(each.Select(r => r.Log)));
            }
        }
        return runs;
    }

    private static IReadOnlyList<string> Needs(YamlNode job) => job.Get("needs").Items().Select(n => ((YamlScalarNode)n).Value!).ToList();

    private static JobRun RunJob(string id, YamlNode job, CiScenario scenario, Dictionary<string, object?> inputs, Dictionary<string, JobRun> runs, IReadOnlyDictionary<string, string> matrix)
    {
        var needs = Needs(job);
        var steps = new Dictionary<string, Dictionary<string, string>>();
        object? Lookup(string path)
        {
            var parts = path.Split('.');
            return parts[0] switch
            {
                "inputs" => inputs.GetValueOrDefault(parts[1]),
                "github" => parts[1] switch
                {
                    "event_name" => scenario.Trigger,
                    "sha" => scenario.Sha,
                    "ref_name" => "main",
                    "token" => "github-token",
                    "repository" => "team/service",
                    _ => throw new FormatException($"github.{parts[1]} is not modelled"),
                },
                "needs" when needs.Contains(parts[1]) => parts[2] == "result" ? runs[parts[1]].Result : runs[parts[1]].Outputs.GetValueOrDefault(parts[3]),
                "needs" => throw new FormatException($"job {id} reads needs.{parts[1]} but does not need it"),
                "steps" => steps.GetValueOrDefault(parts[1])?.GetValueOrDefault(parts[3]),
                "secrets" => $"secret-{parts[1]}",
                "runner" => "Linux",
                "matrix" => matrix.TryGetValue(parts[1], out var cell) ? cell : throw new FormatException($"job {id} reads matrix.{parts[1]}, which its matrix does not set"),
                _ => throw new FormatException($"context {path} is not modelled"),
            };
        }
        var jobExpression = new GitHubExpression(Lookup, status => status switch
        {
            "success" => needs.All(n => runs[n].Result == "success"),
            // The writers' failure() conditions name the failed job too, so direct needs suffice here.
            "failure" => needs.Any(n => runs[n].Result == "failure"),
            "always" => true,
            _ => false,
        });
        if (!Condition(jobExpression, job.Text("if"))) return new JobRun(id, "skipped", [], new Dictionary<string, string>());
        if (job.Text("environment") is { } environment && scenario.RejectedEnvironments?.Contains(jobExpression.Interpolate(environment)) == true)
            return new JobRun(id, "failure", [], new Dictionary<string, string>());

        using var tools = new FakeTools(scenario, "github");
        var calls = new List<string>();
        var log = new System.Text.StringBuilder();
        var failed = false;
        foreach (var step in job.Get("steps").Items())
        {
            var stepExpression = new GitHubExpression(Lookup, status => status switch
            {
                "success" => !failed,
                "failure" => failed,
                "always" => true,
                _ => false,
            });
            if (!Condition(stepExpression, step.Text("if"))) continue;
            if (step.Text("run") is not { } script) continue; // actions (checkout, cache, artifacts) change nothing here
            if (script.Contains("${{", StringComparison.Ordinal)) throw new InvalidOperationException($"job {id}: an expression is spliced into run: (values go through env:)\n{script}");
            var output = Path.Combine(tools.Folder, "github_output");
            File.WriteAllText(output, "");
            var env = new Dictionary<string, string> { ["GITHUB_OUTPUT"] = output, ["GITHUB_STEP_SUMMARY"] = Path.Combine(tools.Folder, "summary.md") };
            foreach (var (key, value) in step.Get("env").Entries()) env[key] = stepExpression.Interpolate(((YamlScalarNode)value).Value!);
            var (code, printed, made) = tools.Run(script, env);
            calls.AddRange(made);
            log.Append(printed);
            if (step.Text("id") is { } stepId) steps[stepId] = ReadOutputs(output);
            if (code != 0) failed = true;
        }
        var outputs = new Dictionary<string, string>();
        foreach (var (key, value) in job.Get("outputs").Entries()) outputs[key] = jobExpression.Interpolate(((YamlScalarNode)value).Value!);
        return new JobRun(id, failed ? "failure" : "success", calls, outputs, log.ToString());
    }

    private static bool Condition(GitHubExpression expression, string? condition)
    {
        if (condition is null) return GitHubExpression.Truthy(expression.Evaluate("success()"));
        var text = condition.Trim();
        if (text.StartsWith("${{", StringComparison.Ordinal)) text = text[3..^2];
        var named = new[] { "success(", "failure(", "always(", "cancelled(" }.Any(text.Contains);
        return GitHubExpression.Truthy(expression.Evaluate(named ? text : $"success() && ({text})"));
    }

    private static Dictionary<string, string> ReadOutputs(string file)
    {
        var outputs = new Dictionary<string, string>();
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Split("<<", 2) is [var name, var delimiter] && !lines[i].Contains('='))
            {
                var value = new List<string>();
                while (lines[++i] != delimiter) value.Add(lines[i]);
                outputs[name] = string.Join("\n", value);
            }
            else if (lines[i].Split('=', 2) is [var key, var text]) outputs[key] = text;
        }
        return outputs;
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Running;
using Sluice.Testing.Postgres;
using Sluice.Tests;
using YamlDotNet.RepresentationModel;

namespace Sluice.Traffic.Tests;

/// <summary>
/// The committed release workflow's job for an environment with a canary (<c>promote-production</c> in
/// <c>.github/workflows/release.yml</c>), run as GitHub runs it: its steps in order, each script in bash as written,
/// <c>if: failure()</c> steps only after a failure, step outputs through <c>$GITHUB_OUTPUT</c> into the later steps'
/// <c>env:</c>. Every <c>./build.sh</c> is the repository's real build in a process of its own (PublishDeployment
/// alone is answered by the shim: there is no GitHub here), against a real PostgreSQL, the shop's v1 and v2 behind a
/// real YARP router (kept by this test's process, as a router process would), load through it, a real Prometheus.
/// </summary>
public sealed partial class CanaryPipelineHooksTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Plan = CanaryProcessStack.Plan;

    [Fact]
    public async Task A_healthy_v2_runs_every_hook_in_order_and_the_release_completes_with_its_contract()
    {
        await using var stack = await HooksStack.StartAsync(postgres, null, Ct);
        string? status = null;
        var steps = await stack.RunJobAsync(async id =>
        {
            if (id == "promote_pre_deploy") status = (await stack.BuildAsync("Status", "--env", "stages")).Output;
        });

        Assert.Equal(["publish_deployment_pre_deploy", "promote_pre_deploy", "run", "canary_route_traffic", "canary_post_route_traffic",
            "canary_finish_post_route_traffic", "promote_on_success", "publish_deployment_on_success"], steps.Select(s => s.Id));
        Assert.All(steps, s => Assert.True(s.ExitCode == 0, $"{s.Id}: {s.Output}"));
        Assert.Contains("stopped before the canary", steps[1].Output, StringComparison.Ordinal);
        Assert.Contains("paused before phase 'drop_full_name'", status, StringComparison.Ordinal);
        Assert.Contains("was promoted in stages", steps[6].Output, StringComparison.Ordinal);
        Assert.Equal(TrafficSplit.AllCanary, await stack.Router.CurrentAsync(Ct));
        var canary = Assert.Single(await stack.Journal.ReadAsync(5, Ct));
        Assert.Equal((CanaryOutcome.Promoted, Plan), (canary.Outcome, canary.PlanId));
        Assert.Equal("done", await stack.ScalarAsync<string>($"SELECT status FROM sluice.plans WHERE plan_id = '{Plan}'"));
        Assert.False(await stack.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'full_name')"));
    }

    [Fact]
    public async Task A_faulty_v2_fails_its_stage_and_the_failure_hooks_leave_traffic_on_the_baseline_the_schema_as_before_and_the_flag_off()
    {
        await using var stack = await HooksStack.StartAsync(postgres, new Dictionary<string, string> { ["Shop__Faults__ErrorRate"] = "0.2" }, Ct);
        var steps = await stack.RunJobAsync(_ => Task.CompletedTask);

        var ran = steps.Select(s => s.Id).ToList();
        Assert.Equal(["publish_deployment_pre_deploy", "promote_pre_deploy", "run", "canary_route_traffic", "canary_on_failure", "rollback_on_failure",
            "publish_deployment_on_failure"], ran);
        Assert.Contains($"error {Sluice.Errors.ErrorCodes.CanaryFailed}", steps[3].Output, StringComparison.Ordinal);
        Assert.Contains($"--migration {Plan}", steps[5].Command, StringComparison.Ordinal);
        Assert.True(steps[5].ExitCode == 0, steps[5].Output);
        Assert.Equal(TrafficSplit.AllBaseline, await stack.Router.CurrentAsync(Ct));
        Assert.Equal(stack.ShapeBefore, await stack.ScalarAsync<string>(CanaryPromoteTests.Shape));
        Assert.False(await stack.ScalarAsync<bool>(CanaryPromoteTests.FlagOn));
        Assert.Equal("reverted", await stack.ScalarAsync<string>($"SELECT status FROM sluice.plans WHERE plan_id = '{Plan}'"));
        Assert.Equal(CanaryOutcome.RolledBack, Assert.Single(await stack.Journal.ReadAsync(5, Ct)).Outcome);
    }

    /// <summary>One step as it ran: its id, the build command its script ran, exit code and what it printed.</summary>
    public sealed record StepRun(string Id, string Command, int ExitCode, string Output);

    [GeneratedRegex(@"\$\{\{\s*([^}]+?)\s*\}\}")]
    private static partial Regex Expression();

    private sealed class HooksStack : IAsyncDisposable
    {
        private readonly CanaryProcessStack _stack;

        private HooksStack(CanaryProcessStack stack, string shapeBefore)
        {
            _stack = stack;
            ShapeBefore = shapeBefore;
        }

        public ITrafficRouter Router => _stack.Router;

        public ICanaryJournal Journal => _stack.Journal;

        /// <summary>The public schema's shape before the plan.</summary>
        public string ShapeBefore { get; }

        public static async Task<HooksStack> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string>? v2Settings, CancellationToken ct)
        {
            var stack = await CanaryProcessStack.StartAsync(postgres, 0, PhaseStates.Phases.Length,
                "\"requires_phase\": \"backfill_split_name\",\n      \"flag\": \"customers.read_split_name\",", v2Settings, "sluice-hooks-", ct);
            var root = stack.Root;
            // The job's ./build.sh: the real build, but PublishDeployment, which needs GitHub.
            await File.WriteAllTextAsync(Path.Combine(root, "build.sh"), $$"""
                #!/usr/bin/env bash
                if [ "$1" = PublishDeployment ]; then echo "PublishDeployment $* (no GitHub in this test)"; exit 0; fi
                exec dotnet "{{Path.Combine(AppContext.BaseDirectory, "_build.dll")}}" "$@"
                """.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n", ct);
            File.SetUnixFileMode(Path.Combine(root, "build.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var shape = stack.Pool.CreateCommand(CanaryPromoteTests.Shape);
            return new HooksStack(stack, (string)(await shape.ExecuteScalarAsync(ct))!);
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var command = _stack.Pool.CreateCommand(sql);
            return (T)(await command.ExecuteScalarAsync(Ct))!;
        }

        /// <summary>Runs job <c>promote-production</c> of the committed workflow on environment <c>stages</c>.</summary>
        /// <param name="after">Told each step's id once it ran, before the next starts.</param>
        public async Task<IReadOnlyList<StepRun>> RunJobAsync(Func<string, Task> after)
        {
            var workflow = new YamlStream();
            workflow.Load(new StringReader(await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Root, ".github", "workflows", "release.yml"), Ct)));
            var job = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)workflow.Documents[0].RootNode)["jobs"])["promote-production"];
            var outputs = new Dictionary<string, Dictionary<string, string>>();
            var runs = new List<StepRun>();
            var failed = false;
            foreach (var step in ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>())
            {
                if (Text(step, "run") is not { } script) continue; // checkout, setup, cache: nothing to do here
                var condition = Text(step, "if");
                if (condition is null ? failed : condition != "failure()" || !failed) continue;
                var id = Text(step, "id")!;
                var env = new Dictionary<string, string>();
                if (step.Children.TryGetValue(new YamlScalarNode("env"), out var declared))
                    foreach (var (key, value) in ((YamlMappingNode)declared).Children)
                        env[((YamlScalarNode)key).Value!] = Expression().Replace(((YamlScalarNode)value).Value!, m => Value(m.Groups[1].Value, outputs));
                env["DEPLOY_ENV"] = "stages"; // the job's environment, here the test's
                var run = await RunScriptAsync(id, script, env);
                outputs[id] = run.Outputs;
                runs.Add(run.Step);
                TestContext.Current.TestOutputHelper?.WriteLine($"--- {id}: {run.Step.Command} exit {run.Step.ExitCode}\n{run.Step.Output}");
                if (run.Step.ExitCode != 0) failed = true;
                await after(id);
            }
            return runs;
        }

        private string Value(string expression, Dictionary<string, Dictionary<string, string>> outputs) => expression.Split('.') switch
        {
            ["secrets", _] => _stack.Database.ConnectionString,
            ["github", "token"] => "no-token",
            ["steps", var step, "outputs", var name] => outputs.GetValueOrDefault(step)?.GetValueOrDefault(name) ?? "",
            _ => throw new FormatException($"${{{{ {expression} }}}} is not modelled"),
        };

        private static string? Text(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

        private async Task<(StepRun Step, Dictionary<string, string> Outputs)> RunScriptAsync(string id, string script, Dictionary<string, string> env)
        {
            var folder = Directory.CreateTempSubdirectory("sluice-hook-").FullName;
            try
            {
                var file = Path.Combine(folder, "step.sh");
                await File.WriteAllTextAsync(file, script + "\n", Ct);
                var output = Path.Combine(folder, "github_output");
                await File.WriteAllTextAsync(output, "", Ct);
                var start = new ProcessStartInfo("bash", ["--noprofile", "--norc", "-eo", "pipefail", file])
                {
                    WorkingDirectory = _stack.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                };
                foreach (var key in new[] { "TF_BUILD", "SLUICE_ENV", "SLUICE_ROOT", "SLUICE_PG_BIN" }) start.Environment.Remove(key);
                start.Environment["GITHUB_ACTIONS"] = "true";
                start.Environment["GITHUB_OUTPUT"] = output;
                start.Environment["GITHUB_STEP_SUMMARY"] = Path.Combine(folder, "summary.md");
                foreach (var (key, value) in env) start.Environment[key] = value;
                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync(Ct);
                var stderr = process.StandardError.ReadToEndAsync(Ct);
                await process.WaitForExitAsync(Ct);
                var command = script.Split('\n').Last(l => l.Contains("./build.sh", StringComparison.Ordinal)).Trim();
                return (new StepRun(id, Expand(command, env), process.ExitCode, await stdout + await stderr), ReadOutputs(output));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static string Expand(string command, Dictionary<string, string> env) =>
            Regex.Replace(command, @"""?\$(\w+)""?", m => m.Groups[1].Value == "ROLLBACK_PLAN" ? env.Where(e => e.Key.StartsWith("LEFT_PLAN_", StringComparison.Ordinal))
                .Select(e => e.Value).FirstOrDefault(v => v.Length > 0) ?? "" : env.GetValueOrDefault(m.Groups[1].Value, m.Value));

        private static Dictionary<string, string> ReadOutputs(string file)
        {
            var outputs = new Dictionary<string, string>();
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Split("<<", 2) is [var name, var delimiter] && !lines[i].Contains('=', StringComparison.Ordinal))
                {
                    var value = new List<string>();
                    while (lines[++i] != delimiter) value.Add(lines[i]);
                    outputs[name] = string.Join("\n", value);
                }
                else if (lines[i].Split('=', 2) is [var key, var text]) outputs[key] = text;
            }
            return outputs;
        }

        public async Task<(int ExitCode, string Output)> BuildAsync(params string[] arguments)
        {
            using var process = Process.Start(_stack.Build(arguments))!;
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            return (process.ExitCode, await stdout + await stderr);
        }

        public ValueTask DisposeAsync() => _stack.DisposeAsync();
    }
}

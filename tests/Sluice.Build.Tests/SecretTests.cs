using Sluice.Build;

namespace Sluice.Build.Tests;

public sealed class SecretTests : IDisposable
{
    private const string Password = "s3cr3t-Pa55word!";
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class Leaky : SluiceBuild
    {
        [Parameter("Connection string"), Secret] public string? Database { get; set; }

        public Target Print => _ => _.Executes(() =>
        {
            Host.Info($"connecting with {Database}");
            Host.ReportWarning($"warning mentions {Database}", $"file-{Database}.sql", 3);
            Host.SetOutput("connection", Database!);
            Host.AppendSummary($"summary with {Database}");
        });

        public Target Throw => _ => _.Executes(() => throw new InvalidOperationException($"could not connect to Host=db;Password={Database}"));
    }

    [Theory]
    [InlineData("console", null, null)]
    [InlineData("github", "GITHUB_ACTIONS", "true")]
    [InlineData("azure", "TF_BUILD", "True")]
    public async Task A_secret_never_appears_in_output_files_or_exception_text_whatever_the_host(string host, string? variable, string? value)
    {
        var summary = Path.Combine(_root.Path, $"summary-{host}.md");
        var outputs = Path.Combine(_root.Path, $"outputs-{host}.txt");
        var env = new Dictionary<string, string>
        {
            ["SLUICE_DATABASE"] = $"Host=db;Password={Password}",
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["GITHUB_OUTPUT"] = outputs,
            ["SLUICE_SUMMARY_FILE"] = summary,
            ["AGENT_TEMPDIRECTORY"] = _root.Path,
        };
        if (variable is not null) env[variable] = value!;

        var run = await _root.RunAsync<Leaky>("Print Throw --verbosity verbose", env, Ct);

        Assert.Equal(ExitCode.TargetFailed, run.ExitCode);
        Assert.Contains("could not connect", run.Output);
        var mask = variable switch
        {
            "GITHUB_ACTIONS" => $"::add-mask::Host=db;Password={Password}",
            "TF_BUILD" => $"##vso[task.setsecret]Host=db;Password={Password}",
            _ => null,
        };
        // The platform's own mask command is the one place the value must be written, so the platform can hide it.
        var printed = mask is null ? run.Output : run.Output.Replace(mask, "");
        if (mask is not null) Assert.Contains(mask, run.Output);
        Assert.DoesNotContain(Password, printed);
        Assert.Contains("***", printed);
        foreach (var file in Directory.EnumerateFiles(_root.Path, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Password, File.ReadAllText(file));
    }

    [Fact]
    public void A_secret_split_across_writes_is_still_redacted_and_other_text_flows_immediately()
    {
        var secrets = new SecretRegistry();
        secrets.Add(Password);
        var sink = new StringWriter();
        var writer = new RedactingWriter(sink, secrets);

        writer.Write("before ");
        Assert.Equal("before ", sink.ToString());
        writer.Write(Password[..5]);
        writer.Write(Password[5..9]);
        Assert.Equal("before ", sink.ToString()); // held: could be the start of the secret
        writer.Write(Password[9..]);
        writer.Write(" after");
        writer.Flush();
        foreach (var c in $" and {Password} char by char\n") writer.Write(c);
        writer.Dispose();

        Assert.Equal($"before *** after and *** char by char\n", sink.ToString());
    }

    [Fact]
    public void A_prefix_of_a_secret_that_does_not_continue_is_released()
    {
        var secrets = new SecretRegistry();
        secrets.Add(Password);
        var sink = new StringWriter();
        var writer = new RedactingWriter(sink, secrets);
        writer.Write("s3cr");
        Assert.Equal("", sink.ToString());
        writer.Write("ipt runs\n");
        Assert.Equal("s3cript runs\n", sink.ToString());
    }

    [Fact]
    public void Url_encoded_forms_of_a_secret_are_redacted_too()
    {
        var secrets = new SecretRegistry();
        secrets.Add("p@ss word/1");
        Assert.Equal("url=***", secrets.Redact("url=" + Uri.EscapeDataString("p@ss word/1")));
    }

    [Fact]
    public async Task Secrets_in_a_bad_value_are_redacted_from_the_usage_error()
    {
        var run = await _root.RunAsync<Numeric>($"Go --pin {Password}", cancellationToken: Ct);
        Assert.Equal(ExitCode.UsageError, run.ExitCode);
        Assert.Contains("is not a whole number", run.Output);
        Assert.DoesNotContain(Password, run.Output);
    }

    private sealed class Numeric : SluiceBuild
    {
        [Parameter("PIN"), Secret] public int Pin { get; set; }
        public Target Go => _ => _.Executes(() => { });
    }
}

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

    private sealed class Resumable : SluiceBuild
    {
        [Parameter("Connection string"), Secret] public string? Database { get; set; }
        [Parameter("A short secret, below the length redaction masks")] [Secret] public string? Pin { get; set; }
        public bool Broken { get; init; } = true;
        public List<string> Ran { get; } = [];
        public Target Snapshot => _ => _.Executes(() => Ran.Add("Snapshot"));
        public Target Migrate => _ => _.DependsOn(Snapshot).Executes(() =>
        {
            Ran.Add($"Migrate with {Database} {Pin}");
            if (Broken) throw new IOException("network");
        });
    }

    [Theory]
    [InlineData("--database {0} --pin 42")]
    [InlineData("--database={0} --pin=42")]
    public async Task Run_memory_keeps_no_secret_and_continue_reads_it_again_from_its_source(string options)
    {
        var arguments = string.Format(System.Globalization.CultureInfo.InvariantCulture, options, Password);
        var first = await _root.RunAsync<Resumable>($"Migrate {arguments}", cancellationToken: Ct);
        Assert.Equal(ExitCode.TargetFailed, first.ExitCode);
        var memory = File.ReadAllText(Path.Combine(_root.Path, ".nuke", "temp", "last-run.json"));
        Assert.DoesNotContain(Password, memory);
        Assert.DoesNotContain("42", memory); // masked by position, whatever its length
        Assert.Contains("Migrate --database", memory);

        // The same command goes on where it stopped; the secret comes from the command line again, not from the memory.
        var again = new Resumable { Broken = false };
        var continued = await _root.RunAsync(again, $"Migrate {arguments} --continue", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, continued.ExitCode);
        Assert.Equal([$"Migrate with {Password} 42"], again.Ran);
        Assert.Equal("succeeded in the previous run (--continue)", continued.Result("Snapshot").Note);
    }

    [Fact]
    public void Json_and_html_forms_of_a_secret_are_redacted_too()
    {
        var secrets = new SecretRegistry();
        secrets.Add("p\"a<ss>&+word");
        Assert.Equal("{\"password\":\"***\"}", secrets.Redact(System.Text.Json.JsonSerializer.Serialize(new { password = "p\"a<ss>&+word" })));
        Assert.Equal("<td>***</td>", secrets.Redact($"<td>{System.Net.WebUtility.HtmlEncode("p\"a<ss>&+word")}</td>"));
    }

    private sealed class Numeric : SluiceBuild
    {
        [Parameter("PIN"), Secret] public int Pin { get; set; }
        public Target Go => _ => _.Executes(() => { });
    }
}

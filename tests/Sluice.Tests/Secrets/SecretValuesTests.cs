using System.Net;
using System.Text.Json;
using Sluice.Secrets;

namespace Sluice.Tests.Secrets;

public sealed class SecretValuesTests
{
    [Fact]
    public void Known_values_are_masked_as_is_in_json_and_in_html_longest_first_then_the_next_redactor_runs()
    {
        var run = new SecretValues(["run-token-1"]);
        var redactor = new SecretValues(["Host=db;Password=p<a>ss\"1", "p<a>ss\"1", "abc"], run);

        Assert.Equal("conn *** and pw *** and ***", redactor.Redact("conn Host=db;Password=p<a>ss\"1 and pw p<a>ss\"1 and run-token-1"));
        Assert.Equal("{\"p\":\"***\"}", redactor.Redact(JsonSerializer.Serialize(new { p = "p<a>ss\"1" })));
        Assert.Equal("<td>***</td>", redactor.Redact($"<td>{WebUtility.HtmlEncode("p<a>ss\"1")}</td>"));
        Assert.Equal("abc stays: shorter than the minimum length", redactor.Redact("abc stays: shorter than the minimum length"));
    }

    [Fact]
    public async Task Files_written_through_SecretFiles_hold_no_secret()
    {
        using var scratch = new ScratchFolder();
        var path = Path.Combine(scratch.Path, "reports", "r.md");
        await SecretFiles.WriteAllTextAsync(path, "token tok-4711 used", new SecretValues(["tok-4711"]), TestContext.Current.CancellationToken);
        Assert.Equal("token *** used", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(path + ".tmp"));
    }
}

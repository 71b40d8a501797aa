using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Postgres.Tests;

/// <summary>The environment's <c>replica</c> object is read strictly: each error is exit 2 naming the file and line.</summary>
public sealed class ReplicaSpecTests
{
    [Fact]
    public void An_empty_replica_object_asks_for_a_standby_on_a_free_port()
    {
        var spec = EnvironmentSpecReader.Read("""{ "provider": "local", "replica": {} }""");

        Assert.NotNull(spec.Replica);
        Assert.Null(spec.Replica!.Port);
        Assert.Equal(55433, EnvironmentSpecReader.Read("""{ "provider": "local", "replica": { "port": 55433 } }""").Replica!.Port);
    }

    [Theory]
    [InlineData("""{ "provider": "connection", "connection_string_variable": "X",\n  "replica": {} }""", "SLU239", 2, "only applies to provider 'local'")]
    [InlineData("""{ "provider": "local",\n  "replica": {\n    "port": 0 } }""", "SLU239", 3, "outside 1-65535")]
    [InlineData("""{ "provider": "local", "port": 5440,\n  "replica": {\n    "port": 5440 } }""", "SLU239", 3, "is the primary's port")]
    [InlineData("""{ "provider": "local",\n  "replica": {\n    "prot": 5440 } }""", "SLU012", 3, "prot")]
    public void A_replica_that_does_not_fit_fails_at_its_line(string environment, string code, int lineInObject, string expected)
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "parameters.staging.json");
        File.WriteAllText(file, "{\n  \"environment\": " + environment.Replace("\\n", "\n", StringComparison.Ordinal) + "\n}\n");

        var error = Assert.Throws<SluiceException>(() => EnvironmentSpecReader.ReadFile(file, ".nuke/parameters.staging.json"));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal(code, error.Code);
        Assert.Contains(expected, error.Message);
        Assert.Equal(".nuke/parameters.staging.json", error.File);
        Assert.Equal(1 + lineInObject, error.Line);
    }
}

using System.Text.Json;
using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Postgres.Tests;

public sealed class EnvironmentSpecTests
{
    [Fact]
    public void A_full_spec_reads_with_snake_case_keys()
    {
        var spec = JsonSerializer.Deserialize<EnvironmentSpec>("""
            {
              "provider": "connection",
              "connection_string_variable": "STAGING_DATABASE_URL",
              "order": 1,
              "protected": true,
              "gates": { "snapshot_max_age": "1h" },
              "canary": null
            }
            """)!;

        Assert.Equal(EnvironmentProviderKind.Connection, spec.Provider);
        Assert.Equal("STAGING_DATABASE_URL", spec.ConnectionStringVariable);
        Assert.Equal(1, spec.Order);
        Assert.True(spec.Protected);
        Assert.Equal("1h", spec.Gates!.Value.GetProperty("snapshot_max_age").GetString());
        Assert.Null(spec.Canary);
        Assert.Null(spec.Calendar);
    }

    [Fact]
    public void Providers_serialise_as_lowercase_strings()
    {
        Assert.Equal("\"testcontainers\"", JsonSerializer.Serialize(EnvironmentProviderKind.Testcontainers));
        Assert.Equal(EnvironmentProviderKind.Local, JsonSerializer.Deserialize<EnvironmentSpec>("""{"provider":"local","data_dir":"x","port":5999}""")!.Provider);
    }

    [Fact]
    public void A_typo_in_a_key_fails_naming_the_key_and_its_line()
    {
        const string json = """
            {
              "provider": "connection",
              "conection_string_variable": "STAGING_DATABASE_URL"
            }
            """;

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<EnvironmentSpec>(json));

        Assert.Contains("conection_string_variable", error.Message);
        Assert.NotNull(error.LineNumber);
        Assert.Equal(2, error.LineNumber); // zero-based: the third line
    }

    [Fact]
    public void The_reader_turns_a_typo_into_a_usage_error_with_file_and_line()
    {
        const string json = """
            {
              "provider": "local",
              "prot": true
            }
            """;

        var error = Assert.Throws<SluiceException>(() => EnvironmentSpecReader.Read(json, ".nuke/parameters.dev.json"));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU012", error.Code);
        Assert.Contains("prot", error.Message);
        Assert.Equal(".nuke/parameters.dev.json", error.File);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("error SLU012: ", error.Headline);
        Assert.EndsWith("(.nuke/parameters.dev.json:3)", error.Headline);
    }

    [Fact]
    public void An_unknown_provider_is_a_usage_error()
    {
        var error = Assert.Throws<SluiceException>(() => EnvironmentSpecReader.Read("""{ "provider": "docker" }"""));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU012", error.Code);
    }

    [Theory]
    [InlineData("""{ "provider": "connection" }""", "connection_string_variable")]
    [InlineData("""{ "provider": "local", "connection_string_variable": "X" }""", "only applies to providers 'connection', 'rds' and 'azure_flexible'")]
    [InlineData("""{ "provider": "connection", "connection_string_variable": "X", "port": 5432 }""", "only apply to provider 'local'")]
    [InlineData("""{ "provider": "local", "port": 70000 }""", "outside 1-65535")]
    public void Fields_that_do_not_fit_the_provider_are_usage_errors(string json, string expected)
    {
        var error = Assert.Throws<SluiceException>(() => EnvironmentSpecReader.Read(json));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU012", error.Code);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_reader_accepts_a_parsed_element()
    {
        using var document = JsonDocument.Parse("""{ "environment": { "provider": "local", "port": 6543 } }""");

        var spec = EnvironmentSpecReader.Read(document.RootElement.GetProperty("environment"));

        Assert.Equal(6543, spec.Port);
    }

    [Fact]
    public void The_lease_time_to_live_is_a_setting()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), EnvironmentSpecReader.Read("""{ "provider": "local", "lease_ttl": "90s" }""").LeaseTtl);
        Assert.Equal(TimeSpan.FromMinutes(2), EnvironmentSpecReader.Read("""{ "provider": "connection", "connection_string_variable": "X", "lease_ttl": "2m" }""").LeaseTtl);
        Assert.Null(EnvironmentSpecReader.Read("""{ "provider": "local" }""").LeaseTtl);
    }

    [Theory]
    [InlineData("\"90\"", "duration string")]
    [InlineData("90", "duration string such as \"90s\" or \"2m\", not 90")]
    [InlineData("\"soon\"", "not \"soon\"")]
    [InlineData("\"1s\"", "outside 3s-1h")]
    [InlineData("\"2h\"", "outside 3s-1h")]
    [InlineData("true", "not true")]
    public void A_bad_lease_time_to_live_is_a_usage_error_naming_the_file_and_line(string value, string expected)
    {
        var json = $$"""
            {
              "provider": "local",
              "lease_ttl": {{value}}
            }
            """;

        var error = Assert.Throws<SluiceException>(() => EnvironmentSpecReader.Read(json, ".nuke/parameters.dev.json"));

        Assert.Equal(("SLU012", ErrorKind.Usage, ".nuke/parameters.dev.json", 3), (error.Code, error.Kind, error.File, error.Line));
        Assert.Contains("'lease_ttl'", error.Message);
        Assert.Contains(expected, error.Message);
    }
}

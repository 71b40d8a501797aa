using System.Text.Json;
using Sluice.Errors;

namespace Sluice.Environments;

/// <summary>
/// Reads an <see cref="EnvironmentSpec"/> and checks that its fields fit its provider. Malformed JSON, unknown keys and
/// missing fields become <c>SLU012</c> usage errors that name the file and, when the JSON reader knows it, the line.
/// </summary>
public static class EnvironmentSpecReader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads the JSON text of one <c>environment</c> object.</summary>
    /// <param name="json">The object's JSON text.</param>
    /// <param name="file">The file it came from, for the error message.</param>
    public static EnvironmentSpec Read(string json, string? file = null)
    {
        EnvironmentSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<EnvironmentSpec>(json, Options);
        }
        catch (JsonException e)
        {
            throw Invalid(e, file);
        }
        return Validate(spec ?? throw SluiceException.Usage("SLU012", "the environment definition is null", Remedy, file), file);
    }

    /// <summary>Reads an already parsed <c>environment</c> element (the engine parses the whole parameters file).</summary>
    public static EnvironmentSpec Read(JsonElement element, string? file = null) => Read(element.GetRawText(), file);

    /// <summary>Checks the fields a provider needs; returns the spec unchanged when it is usable.</summary>
    public static EnvironmentSpec Validate(EnvironmentSpec spec, string? file = null)
    {
        switch (spec.Provider)
        {
            case EnvironmentProviderKind.Connection when string.IsNullOrWhiteSpace(spec.ConnectionStringVariable):
                throw SluiceException.Usage("SLU012",
                    "provider 'connection' needs 'connection_string_variable' (the name of the variable holding the connection string)",
                    "add \"connection_string_variable\": \"STAGING_DATABASE_URL\" or pass --database", file);
            case not EnvironmentProviderKind.Connection when spec.ConnectionStringVariable is not null:
                throw SluiceException.Usage("SLU012",
                    $"'connection_string_variable' only applies to provider 'connection', not '{Name(spec.Provider)}'", Remedy, file);
            case not EnvironmentProviderKind.Local when spec.DataDir is not null || spec.Port is not null:
                throw SluiceException.Usage("SLU012",
                    $"'data_dir' and 'port' only apply to provider 'local', not '{Name(spec.Provider)}'", Remedy, file);
        }
        if (spec.Port is < 1 or > 65535)
            throw SluiceException.Usage("SLU012", $"port {spec.Port} is outside 1-65535", Remedy, file);
        return spec;
    }

    private const string Remedy = "see DESIGN §4 for the environment keys: provider, connection_string_variable, data_dir, port, database, lease_ttl, order, protected, gates, canary, calendar";

    private static SluiceException Invalid(JsonException e, string? file)
    {
        // JsonException.LineNumber is zero-based; people count lines from one.
        int? line = e.LineNumber is { } zeroBased ? (int)zeroBased + 1 : null;
        return SluiceException.Usage("SLU012", $"invalid environment definition: {e.Message}", Remedy, file, line, e);
    }

    private static string Name(EnvironmentProviderKind kind) => JsonSerializer.Serialize(kind).Trim('"');
}

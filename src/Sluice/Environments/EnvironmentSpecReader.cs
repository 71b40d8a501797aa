using System.Text;
using System.Text.Json;
using Sluice.Canary.Definition;
using Sluice.Errors;
using Sluice.Snapshots.Cloud;

namespace Sluice.Environments;

/// <summary>
/// Reads an <see cref="EnvironmentSpec"/> and checks that its fields fit its provider. Malformed JSON, unknown and
/// repeated keys and missing fields become <c>SLU012</c> usage errors that name the file and the line: the JSON
/// reader's line for syntax, the offending key's line (from <see cref="EnvironmentKeyLines"/>) for the rest.
/// </summary>
public static class EnvironmentSpecReader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
    };

    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

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
        return Validate(spec ?? throw SluiceException.Usage(ErrorCodes.BadEnvironment, "the environment definition is null", Remedy, file), file);
    }

    /// <summary>Reads an already parsed <c>environment</c> element; its lines count from the element, so prefer <see cref="ReadFile"/> for files.</summary>
    public static EnvironmentSpec Read(JsonElement element, string? file = null) => Read(element.GetRawText(), file);

    /// <summary>
    /// The <c>environment</c> object of a whole <c>.nuke/parameters.&lt;env&gt;.json</c>, or null when it has none.
    /// Every error names <paramref name="displayPath"/> and a line of that file.
    /// </summary>
    public static EnvironmentSpec? ReadFile(string path, string displayPath)
    {
        var bytes = WithoutBom(File.ReadAllBytes(path));
        var lines = EnvironmentKeyLines.Find(bytes);
        if (lines is null)
        {
            // No environment key, or no JSON: parse it once to tell which, with the reader's line for the latter.
            try
            {
                using var _ = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                return null;
            }
            catch (JsonException e)
            {
                throw Invalid(e, displayPath);
            }
        }
        var reader = new Utf8JsonReader(bytes.AsSpan(lines.ValueStart), ReaderOptions);
        EnvironmentSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<EnvironmentSpec>(ref reader, Options);
        }
        catch (JsonException e)
        {
            throw Invalid(e, displayPath, lines.ValueLine - 1);
        }
        return Validate(spec ?? throw SluiceException.Usage(ErrorCodes.BadEnvironment, "the environment definition is null", Remedy, displayPath, lines.Object), displayPath, lines);
    }

    /// <summary>Checks the fields a provider needs; returns the spec unchanged when it is usable.</summary>
    /// <param name="lines">Where the keys are written, so an error can name the line of the key at fault.</param>
    public static EnvironmentSpec Validate(EnvironmentSpec spec, string? file = null, EnvironmentKeyLines? lines = null)
    {
        switch (spec.Provider)
        {
            case EnvironmentProviderKind.Connection or EnvironmentProviderKind.Rds or EnvironmentProviderKind.AzureFlexible
                when string.IsNullOrWhiteSpace(spec.ConnectionStringVariable):
                throw SluiceException.Usage(ErrorCodes.BadEnvironment,
                    $"provider '{Name(spec.Provider)}' needs 'connection_string_variable' (the name of the variable holding the connection string)",
                    "add \"connection_string_variable\": \"STAGING_DATABASE_URL\" or pass --database", file,
                    lines?.Of("connection_string_variable", "provider"));
            case EnvironmentProviderKind.Local or EnvironmentProviderKind.Testcontainers when spec.ConnectionStringVariable is not null:
                throw SluiceException.Usage(ErrorCodes.BadEnvironment,
                    $"'connection_string_variable' only applies to providers 'connection', 'rds' and 'azure_flexible', not '{Name(spec.Provider)}'", Remedy, file,
                    lines?.Of("connection_string_variable"));
            case not EnvironmentProviderKind.Local when spec.DataDir is not null || spec.Port is not null:
                throw SluiceException.Usage(ErrorCodes.BadEnvironment,
                    $"'data_dir' and 'port' only apply to provider 'local', not '{Name(spec.Provider)}'", Remedy, file,
                    lines?.Of(spec.DataDir is not null ? "data_dir" : "port"));
        }
        if (spec.Port is < 1 or > 65535)
            throw SluiceException.Usage(ErrorCodes.BadEnvironment, $"port {spec.Port} is outside 1-65535", Remedy, file, lines?.Of("port"));
        ValidateReplica(spec, file, lines);
        CanaryDefinitionReader.Read(spec, file, lines);
        CloudDefinitionReader.Read(spec, file, lines);
        Gates.GateSettings.Read(spec.Gates, file, lines?.Of("gates"));
        return spec;
    }

    /// <summary>A replica belongs to a local cluster, on a port of its own.</summary>
    private static void ValidateReplica(EnvironmentSpec spec, string? file, EnvironmentKeyLines? lines)
    {
        if (spec.Replica is not { } replica) return;
        const string replicaRemedy = "write \"replica\": {} (a free port, remembered) or \"replica\": {\"port\": 55433}; see the README, \"Environments\"";
        if (spec.Provider != EnvironmentProviderKind.Local)
            throw SluiceException.Usage(ErrorCodes.BadReplicaDefinition,
                $"'replica' only applies to provider 'local', not '{Name(spec.Provider)}': Sluice makes the standby of a cluster it runs itself",
                replicaRemedy, file, lines?.Of("replica"));
        if (replica.Port is < 1 or > 65535)
            throw SluiceException.Usage(ErrorCodes.BadReplicaDefinition, $"replica port {replica.Port} is outside 1-65535", replicaRemedy, file, lines?.Of("replica.port", "replica"));
        if (replica.Port is { } port && port == spec.Port)
            throw SluiceException.Usage(ErrorCodes.BadReplicaDefinition, $"replica port {port} is the primary's port", "give the replica a port of its own", file,
                lines?.Of("replica.port", "replica"));
    }

    private const string Remedy = "see DESIGN §4 for the environment keys: provider, connection_string_variable, data_dir, port, replica, database, lease_ttl, order, protected, gates, canary, cloud, calendar";

    /// <param name="firstLine">The zero-based line the parsed text starts on in the file.</param>
    private static SluiceException Invalid(JsonException e, string? file, long firstLine = 0)
    {
        // JsonException.LineNumber is zero-based; people count lines from one.
        int? line = e.LineNumber is { } zeroBased ? (int)(firstLine + zeroBased) + 1 : null;
        return SluiceException.Usage(ErrorCodes.BadEnvironment, $"invalid environment definition: {e.Message}", Remedy, file, line, e);
    }

    /// <summary>The key lines of the file at <paramref name="path"/>, null when it does not exist or has no environment.</summary>
    public static EnvironmentKeyLines? FindLines(string path) =>
        File.Exists(path) ? EnvironmentKeyLines.Find(WithoutBom(File.ReadAllBytes(path))) : null;

    private static byte[] WithoutBom(byte[] bytes) =>
        bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;

    private static string Name(EnvironmentProviderKind kind) => JsonSerializer.Serialize(kind).Trim('"');
}

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Sluice.Errors;
using Sluice.Secrets;

namespace Sluice.Rehearsal.Profiles;

/// <summary>Reads and writes a <see cref="DataProfile"/> as indented JSON.</summary>
public static class ProfileFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // A profile that loads is used as it is: a missing list, a null name or a repeated key is an error here, not a crash later.
        // Nullable members (a column's correlation) may be absent, as ToJson leaves them out.
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RequireNonNullableParameters } },
    };

    private static void RequireNonNullableParameters(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
            if (property.AssociatedParameter is { IsNullable: false, HasDefaultValue: false }) property.IsRequired = true;
    }

    /// <summary>The default place: <c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c>.</summary>
    public static string DefaultPath(string serviceFolder, string environment) =>
        Path.Combine(serviceFolder, "profiles", $"{environment}.json");

    public static string ToJson(DataProfile profile) => JsonSerializer.Serialize(profile, Options);

    public static DataProfile FromJson(string json, string file)
    {
        json = json.TrimStart('\uFEFF');
        DataProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<DataProfile>(json, Options);
        }
        catch (JsonException e)
        {
            throw Bad(file, $"not a valid data profile: {e.Message}", (int)(e.LineNumber ?? 0) + 1, e);
        }
        if (profile is null) throw Bad(file, "the file holds null", 1);
        if (profile.Version != DataProfile.CurrentVersion)
            throw Bad(file, $"profile version {profile.Version} is not {DataProfile.CurrentVersion}", LineOf(json, "\"version\""));
        if (profile.Statements is { } statements) StatementMixCheck.Validate(statements, json, file);
        return profile;
    }

    public static Task WriteAsync(DataProfile profile, string path, ISecretRedactor redactor, CancellationToken cancellationToken) =>
        SecretFiles.WriteAllTextAsync(path, ToJson(profile) + "\n", redactor, cancellationToken);

    public static async Task<DataProfile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw SluiceException.Usage(ErrorCodes.BadProfile, $"the data profile '{path}' does not exist",
                "run the Profile target against the environment (./build.sh Profile --env production), or pass --data-profile FILE", path);
        return FromJson(await File.ReadAllTextAsync(path, cancellationToken), path);
    }

    private static SluiceException Bad(string file, string what, int line, Exception? inner = null) =>
        SluiceException.Usage(ErrorCodes.BadProfile, what, "take the profile again with the Profile target", file, line, inner);

    /// <summary>The line of the first occurrence of <paramref name="token"/>, else <paramref name="fallback"/>.</summary>
    internal static int LineOf(string json, string token, int fallback = 1)
    {
        var at = json.IndexOf(token, StringComparison.Ordinal);
        return at < 0 ? Math.Max(1, fallback) : json.AsSpan(0, at).Count('\n') + 1;
    }
}

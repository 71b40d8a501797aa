using System.Text.Json;
using System.Text.Json.Serialization;
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
    };

    /// <summary>The default place: <c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c>.</summary>
    public static string DefaultPath(string serviceFolder, string environment) =>
        Path.Combine(serviceFolder, "profiles", $"{environment}.json");

    public static string ToJson(DataProfile profile) => JsonSerializer.Serialize(profile, Options);

    public static DataProfile FromJson(string json, string file)
    {
        try
        {
            var profile = JsonSerializer.Deserialize<DataProfile>(json, Options)
                ?? throw Bad(file, "the file holds null");
            if (profile.Version != DataProfile.CurrentVersion)
                throw Bad(file, $"profile version {profile.Version} is not {DataProfile.CurrentVersion}");
            return profile;
        }
        catch (JsonException e)
        {
            throw Bad(file, $"not a valid data profile: {e.Message}", e);
        }
    }

    public static Task WriteAsync(DataProfile profile, string path, ISecretRedactor redactor, CancellationToken cancellationToken) =>
        SecretFiles.WriteAllTextAsync(path, ToJson(profile) + "\n", redactor, cancellationToken);

    public static async Task<DataProfile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw SluiceException.Usage(RehearsalErrorCodes.BadProfile, $"the data profile '{path}' does not exist",
                "run the Profile target against the environment (./build.sh Profile --env production), or pass --data-profile FILE", path);
        return FromJson(await File.ReadAllTextAsync(path, cancellationToken), path);
    }

    private static SluiceException Bad(string file, string what, Exception? inner = null) =>
        SluiceException.Usage(RehearsalErrorCodes.BadProfile, what, "take the profile again with the Profile target", file, inner: inner);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Traffic.Routing;

/// <summary>
/// What a router process started by Sluice leaves in <c>.sluice/&lt;env&gt;/router.json</c> once it listens: where it
/// is and what it routes, so a later process (a canary stage, <c>Router --router status|stop</c>) finds it without
/// <c>canary.router.admin</c>. Written by the router itself, removed by it when it has drained.
/// </summary>
public sealed record RouterState(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("baseline")] string Baseline,
    [property: JsonPropertyName("canary")] string Canary,
    [property: JsonPropertyName("sticky")] bool Sticky,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The state in <paramref name="file"/>, or null when there is none; a file that is not one is stale (SLU198).</summary>
    public static RouterState? Read(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!File.Exists(file)) return null;
        try
        {
            return JsonSerializer.Deserialize<RouterState>(File.ReadAllText(file), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw Errors.SluiceException.Usage(Errors.ErrorCodes.RouterFileStale, $"the local router's file {file} is not a router's state: {e.Message}",
                "remove it, or run Router --router stop, which clears it", file, inner: e);
        }
    }

    /// <summary>Writes beside and moves into place, so a reader never sees half a file.</summary>
    public void Write(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var written = file + ".new";
        File.WriteAllText(written, JsonSerializer.Serialize(this, Json));
        File.Move(written, file, overwrite: true);
    }
}

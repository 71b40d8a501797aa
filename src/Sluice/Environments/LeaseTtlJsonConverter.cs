using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Migrations.Plans;

namespace Sluice.Environments;

/// <summary>
/// Reads <c>lease_ttl</c> strictly: a duration string within <see cref="Shortest"/> and <see cref="Longest"/>. Failing
/// as a <see cref="JsonException"/> lets the reader name the file and the line of the bad value.
/// </summary>
public sealed class LeaseTtlJsonConverter : JsonConverter<TimeSpan?>
{
    /// <summary>The heartbeat renews every third of the time to live; under 3 s it would beat more than once a second.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(3);

    /// <summary>Longer than this, a holder that went silent would block an environment for most of a working day.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    public override bool HandleNull => false;

    public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (!Durations.TryParse(text, out var ttl))
            throw new JsonException($"'lease_ttl' must be a duration string such as \"90s\" or \"2m\", not {Shown(ref reader)}");
        if (ttl < Shortest || ttl > Longest)
            throw new JsonException($"'lease_ttl' {text} is outside {Durations.Format(Shortest)}-{Durations.Format(Longest)}");
        return ttl;
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
    {
        if (value is { } ttl) writer.WriteStringValue(Durations.Format(ttl));
        else writer.WriteNullValue();
    }

    private static string Shown(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"\"{reader.GetString()}\"",
        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => reader.TokenType.ToString().ToLowerInvariant(),
    };
}

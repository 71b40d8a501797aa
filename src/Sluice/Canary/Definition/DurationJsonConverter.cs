using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Migrations.Plans;

namespace Sluice.Canary.Definition;

/// <summary>A positive duration written as people write it (<c>30s</c>, <c>2m</c>); anything else is a
/// <see cref="JsonException"/>, which the reader reports at the value's line.</summary>
public sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (!Durations.TryParse(text, out var duration) || duration <= TimeSpan.Zero)
            throw new JsonException($"a duration string such as \"30s\" or \"2m\" is needed, not {(text is null ? reader.TokenType.ToString().ToLowerInvariant() : $"\"{text}\"")}");
        return duration;
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteStringValue(Durations.Format(value));
}

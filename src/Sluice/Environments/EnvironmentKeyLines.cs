using System.Text.Json;

namespace Sluice.Environments;

/// <summary>
/// Where the <c>environment</c> object of a parameters file and each of its keys are written (1-based lines), so
/// that a definition that parses but does not fit its provider is reported at the key at fault.
/// </summary>
/// <param name="Object">The line of the <c>"environment"</c> key.</param>
/// <param name="ValueStart">The byte offset of its value, where deserialisation starts.</param>
/// <param name="ValueLine">The line that value starts on.</param>
/// <param name="Keys">The line of each key of the object (the first, when a key repeats), and of each key nested in
/// it by its path (<c>canary.steps[2].weight</c>), so a nested definition can be reported at the key at fault.</param>
public sealed record EnvironmentKeyLines(int Object, int ValueStart, int ValueLine, IReadOnlyDictionary<string, int> Keys)
{
    /// <summary>The line of the first of <paramref name="keys"/> that is written, else the object's (a missing key is missing there).</summary>
    public int Of(params string[] keys)
    {
        foreach (var key in keys)
            if (Keys.TryGetValue(key, out var line)) return line;
        return Object;
    }

    /// <summary>The <c>environment</c> key of a file's top-level object (any case, as the engine matches parameter names); null without one or when the file is not JSON.</summary>
    public static EnvironmentKeyLines? Find(ReadOnlySpan<byte> file)
    {
        var reader = new Utf8JsonReader(file, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEnvironment = string.Equals(KeyName(ref reader), "environment", StringComparison.OrdinalIgnoreCase);
                var line = LineAt(file, reader.TokenStartIndex);
                reader.Read();
                if (!isEnvironment)
                {
                    reader.Skip();
                    continue;
                }
                var start = (int)reader.TokenStartIndex;
                var keys = new Dictionary<string, int>(StringComparer.Ordinal);
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = KeyName(ref reader);
                        keys.TryAdd(key, LineAt(file, reader.TokenStartIndex));
                        reader.Read();
                        AddNested(ref reader, file, key, keys);
                    }
                }
                return new EnvironmentKeyLines(line, start, LineAt(file, start), keys);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
        return null;
    }

    /// <summary>Records the keys inside the value the reader is on, by path, and leaves the reader on its last token.</summary>
    private static void AddNested(ref Utf8JsonReader reader, ReadOnlySpan<byte> file, string path, Dictionary<string, int> keys)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = $"{path}.{KeyName(ref reader)}";
                keys.TryAdd(key, LineAt(file, reader.TokenStartIndex));
                reader.Read();
                AddNested(ref reader, file, key, keys);
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                var item = $"{path}[{index}]";
                keys.TryAdd(item, LineAt(file, reader.TokenStartIndex));
                AddNested(ref reader, file, item, keys);
            }
        }
    }

    private static int LineAt(ReadOnlySpan<byte> bytes, long offset) => bytes[..(int)Math.Min(offset, bytes.Length)].Count((byte)'\n') + 1;

    /// <summary>A key's name; a name that is not valid UTF-8 (a damaged file) is decoded with replacement characters, as
    /// the deserialiser reads it, so its error can still be placed at a line.</summary>
    private static string KeyName(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        }
    }
}

using System.Text;
using System.Text.Json;

namespace Sluice.Build;

/// <summary>
/// One <c>.nuke/parameters*.json</c> file: top-level keys are parameter names (member name or kebab case),
/// each value kept with its line so errors can point at it. <c>$schema</c> is allowed and ignored.
/// </summary>
internal sealed class ParametersFile
{
    private ParametersFile(string displayPath, IReadOnlyList<Entry> entries)
    {
        DisplayPath = displayPath;
        Entries = entries;
    }

    /// <summary>The path as shown in messages (relative to the root).</summary>
    public string DisplayPath { get; }

    public IReadOnlyList<Entry> Entries { get; }

    /// <param name="Key">The key as written.</param>
    /// <param name="Line">1-based line of the key.</param>
    /// <param name="Json">The raw JSON text of the value.</param>
    /// <param name="Kind">The JSON kind of the value.</param>
    public sealed record Entry(string Key, int Line, string Json, JsonValueKind Kind);

    public static ParametersFile Load(string path, string displayPath)
    {
        var bytes = File.ReadAllBytes(path);
        // Editors on Windows save UTF-8 with a byte order mark, which Utf8JsonReader does not skip.
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        var entries = new List<Entry>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new UsageException(EngineErrorCodes.BadParametersFile, "a parameters file must hold one JSON object", "write { \"Name\": value, ... }", displayPath, 1);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                var line = LineAt(bytes, reader.TokenStartIndex);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                using var value = JsonDocument.ParseValue(ref reader);
                var end = (int)reader.BytesConsumed;
                if (entries.Any(e => e.Key.Equals(key, StringComparison.OrdinalIgnoreCase)))
                    throw new UsageException(EngineErrorCodes.BadParametersFile, $"key '{key}' appears twice", "keep one of them", displayPath, line);
                entries.Add(new Entry(key, line, Encoding.UTF8.GetString(bytes, start, end - start), value.RootElement.ValueKind));
            }
        }
        catch (JsonException e)
        {
            throw new UsageException(EngineErrorCodes.BadParametersFile, $"not valid JSON: {e.Message}", "fix the JSON syntax", displayPath, (int)(e.LineNumber ?? 0) + 1, e);
        }
        catch (InvalidOperationException e)
        {
            // A key that is not valid UTF-8: the reader accepts the token but cannot turn it into a string.
            throw new UsageException(EngineErrorCodes.BadParametersFile, $"not valid UTF-8 text: {e.InnerException?.Message ?? e.Message}", "save the file as UTF-8",
                displayPath, LineAt(bytes, reader.TokenStartIndex), e);
        }
        return new ParametersFile(displayPath, entries);
    }

    private static int LineAt(byte[] bytes, long offset)
    {
        var line = 1;
        for (var i = 0; i < offset && i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') line++;
        return line;
    }

    /// <summary>Turns an entry into a raw value: scalars and arrays of scalars as text, anything else as JSON.</summary>
    public RawValue ToRawValue(Entry entry)
    {
        // The same leniency as the file itself: a comment or a trailing comma inside a value is part of the value's text.
        using var document = JsonDocument.Parse(entry.Json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        IReadOnlyList<string> texts = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().Where(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)).Select(ScalarText).ToList(),
            JsonValueKind.Object => [],
            JsonValueKind.Null => [],
            _ => [ScalarText(root)],
        };
        return new RawValue(texts, entry.Json, DisplayPath, DisplayPath, entry.Line);
    }

    private static string ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => element.GetRawText(),
    };
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sluice.Build;

/// <summary>
/// Converts raw parameter text to the member's type: strings, numbers, booleans, enums (case-insensitive,
/// kebab case accepted), <see cref="TimeSpan"/> (<c>50m</c>, <c>2h</c>, <c>1h30m</c>, <c>500ms</c>, or <c>hh:mm:ss</c>),
/// <see cref="AbsolutePath"/> (relative to the root), arrays of those, and structured values (records) from JSON.
/// Every failure is a <see cref="UsageException"/> naming the parameter and where the value came from.
/// </summary>
internal static partial class ParameterValueConverter
{
    private static readonly JsonSerializerOptions StructuredOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A key written twice in a structured value is a mistake, not "the last one wins".
        AllowDuplicateProperties = false,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static object? Convert(RawValue raw, ParameterDescriptor parameter, AbsolutePath root)
    {
        var type = parameter.UnderlyingType;
        try
        {
            if (type.IsArray)
            {
                var elementType = type.GetElementType()!;
                var texts = raw.Texts.SelectMany(SplitList).ToList();
                var array = Array.CreateInstance(elementType, texts.Count);
                for (var i = 0; i < texts.Count; i++) array.SetValue(ConvertScalar(texts[i], elementType, root), i);
                return array;
            }

            if (IsStructured(type))
            {
                var json = raw.Json ?? raw.Texts.SingleOrDefault()
                    ?? throw Error(parameter, raw, "expects a JSON object");
                return JsonSerializer.Deserialize(json, type, StructuredOptions);
            }

            if (raw.Texts.Count == 0)
            {
                if (type == typeof(bool)) return true; // a bare flag
                if (raw.Json is "null") return null;
                throw Error(parameter, raw, "needs a value");
            }
            if (raw.Texts.Count > 1) throw Error(parameter, raw, $"takes one value, got {raw.Texts.Count}: {string.Join(" ", raw.Texts)}");
            return ConvertScalar(raw.Texts[0], type, root);
        }
        catch (JsonException e)
        {
            var line = raw.Line is { } start && e.LineNumber is { } offset ? start + (int)offset : raw.Line;
            throw new UsageException(EngineErrorCodes.BadParameter, $"parameter --{parameter.OptionName}: {e.Message}", Remedy(parameter), raw.File ?? raw.Source, line, e);
        }
        catch (FormatException e)
        {
            throw Error(parameter, raw, e.Message);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            // A number too large for the member's type, a duration longer than a TimeSpan holds.
            throw Error(parameter, raw, $"{string.Join(" ", raw.Texts)} is out of range ({e.Message})");
        }
    }

    /// <summary>Records and classes other than the scalar types are read from JSON.</summary>
    public static bool IsStructured(Type type) =>
        !type.IsPrimitive && !type.IsEnum && !type.IsArray &&
        type != typeof(string) && type != typeof(decimal) && type != typeof(TimeSpan) && type != typeof(AbsolutePath) &&
        type != typeof(DateTimeOffset) && type != typeof(DateTime) && type != typeof(Uri);

    private static IEnumerable<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static object ConvertScalar(string text, Type type, AbsolutePath root)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return text;
        if (type == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" or "on" => true,
                "false" or "no" or "0" or "off" => false,
                _ => throw new FormatException($"'{text}' is not a boolean (true or false)"),
            };
        }
        if (type.IsEnum) return ParseEnum(text, type);
        if (type == typeof(TimeSpan)) return ParseDuration(text);
        if (type == typeof(AbsolutePath)) return new AbsolutePath(Path.IsPathFullyQualified(text) ? text : Path.Combine(root.Value, text));
        if (type == typeof(Uri)) return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new FormatException($"'{text}' is not an absolute URI");
        if (type == typeof(DateTimeOffset)) return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? System.Convert.ChangeType(n, type, CultureInfo.InvariantCulture)
                : throw new FormatException($"'{text}' is not a whole number");
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? System.Convert.ChangeType(d, type, CultureInfo.InvariantCulture)
                : throw new FormatException($"'{text}' is not a number");
        }
        throw new FormatException($"parameters of type {type.Name} are not supported");
    }

    private static object ParseEnum(string text, Type type)
    {
        var wanted = text.Replace("-", "").Replace("_", "");
        foreach (var name in Enum.GetNames(type))
            if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase)) return Enum.Parse(type, name);
        var known = string.Join(", ", Enum.GetNames(type).Select(ParameterNames.Kebab));
        throw new FormatException($"'{text}' is not one of: {known}");
    }

    /// <summary>Parses <c>50m</c>, <c>2h</c>, <c>1h30m</c>, <c>90s</c>, <c>500ms</c>, <c>1d</c>, or a <c>hh:mm:ss</c> span.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var trimmed = text.Trim();
        if (TimeSpan.TryParseExact(trimmed, ["c", "g"], CultureInfo.InvariantCulture, out var exact) && trimmed.Contains(':')) return exact;
        var match = DurationPattern().Match(trimmed);
        if (!match.Success || trimmed.Length == 0)
            throw new FormatException($"'{text}' is not a duration (examples: 90s, 50m, 2h, 1h30m, 500ms)");
        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var m = DurationPart().Match(part.Value);
            var amount = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += m.Groups["u"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                _ => throw new FormatException($"'{text}' has an unknown unit"),
            };
        }
        return total;
    }

    private static UsageException Error(ParameterDescriptor parameter, RawValue raw, string problem) =>
        new(EngineErrorCodes.BadParameter, $"parameter --{parameter.OptionName} (from {raw.Source}): {problem}", Remedy(parameter), raw.File, raw.Line);

    private static string Remedy(ParameterDescriptor parameter) =>
        $"see ./build.sh --help for --{parameter.OptionName}" + (parameter.Description is null ? "" : $" ({parameter.Description})");

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h|d))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>ms|s|m|h|d)$")]
    private static partial Regex DurationPart();
}

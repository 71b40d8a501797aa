using System.Text;
using System.Text.Json;

namespace Sluice.Build;

/// <summary>
/// <c>.nuke/build.schema.json</c>: a JSON Schema of the parameters files, generated from the build's parameters,
/// so editors complete and check <c>.nuke/parameters*.json</c>. A test compares the committed file with this output.
/// </summary>
public static class BuildSchema
{
    public const string RelativePath = ".nuke/build.schema.json";

    public static string Generate(Type buildType, TargetCatalog catalog)
    {
        var parameters = ParameterDescriptor.Discover(buildType);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
            json.WriteString("title", "Build Schema");
            json.WriteString("type", "object");
            json.WriteStartObject("definitions");
            json.WriteStartObject("Target");
            json.WriteString("type", "string");
            json.WriteStartArray("enum");
            foreach (var target in catalog.Targets.Select(t => t.Name).Order(StringComparer.Ordinal)) json.WriteStringValue(target);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartObject("properties");
            json.WriteStartObject("$schema");
            json.WriteString("type", "string");
            json.WriteEndObject();
            foreach (var parameter in parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject(parameter.Name);
                if (parameter.Description is not null) json.WriteString("description", parameter.Description + (parameter.IsSecret ? " (secret: prefer an environment variable)" : ""));
                WriteType(json, parameter.UnderlyingType, parameter.MemberName == nameof(SluiceBuild.Skip));
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteBoolean("additionalProperties", false);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    private static void WriteType(Utf8JsonWriter json, Type type, bool targetNames)
    {
        if (type.IsArray)
        {
            json.WriteString("type", "array");
            json.WriteStartObject("items");
            WriteType(json, type.GetElementType()!, targetNames);
            json.WriteEndObject();
            return;
        }
        if (targetNames)
        {
            json.WriteString("$ref", "#/definitions/Target");
            return;
        }
        if (type == typeof(bool)) json.WriteString("type", "boolean");
        else if (type == typeof(int) || type == typeof(long) || type == typeof(short)) json.WriteString("type", "integer");
        else if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) json.WriteString("type", "number");
        else if (type.IsEnum)
        {
            json.WriteString("type", "string");
            json.WriteStartArray("enum");
            foreach (var name in Enum.GetNames(type)) json.WriteStringValue(ParameterNames.Kebab(name));
            json.WriteEndArray();
        }
        else if (type == typeof(TimeSpan))
        {
            json.WriteString("type", "string");
            json.WriteString("pattern", @"^(\d+(\.\d+)?(ms|s|m|h|d))+$|^\d+:\d{2}:\d{2}$");
        }
        else if (ParameterValueConverter.IsStructured(type)) json.WriteString("type", "object");
        else json.WriteString("type", "string");
    }
}

using System.Text.Json;
using Sluice.Errors;

namespace Sluice.Environments;

/// <summary>
/// One object of an environment definition (<c>canary</c>, <c>cloud</c>) as its reader reads it: strict JSON into a
/// record (duplicate and unknown keys rejected by the options and the record), and every error a usage error (exit 2)
/// naming the parameters file and the line of the key at fault, or of the nearest enclosing key that is written.
/// </summary>
/// <param name="Name">The object's key in the definition (<c>canary</c>).</param>
/// <param name="File">The parameters file, for messages.</param>
/// <param name="Lines">Where its keys are written (<see cref="EnvironmentSpecReader.FindLines"/>).</param>
/// <param name="Code">The reader's error code for a bad value.</param>
/// <param name="Remedy">Where the object is documented.</param>
/// <param name="Fallbacks">Keys whose line stands for the object when it is not written at all (<c>provider</c>).</param>
internal sealed record DefinitionObject(string Name, string? File, EnvironmentKeyLines? Lines, string Code, string Remedy, params string[] Fallbacks)
{
    /// <summary>Reads <paramref name="element"/>; a JSON error names the key path it met (<c>steps[1].wieght</c>), with
    /// <paramref name="cleaned"/> taking out of .NET's message what the path already says.</summary>
    public T Deserialize<T>(JsonElement element, JsonSerializerOptions options, Func<string, string> cleaned) where T : class
    {
        T? value;
        try
        {
            value = element.Deserialize<T>(options);
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 1 } p ? p[2..] : "";
            throw Error($"invalid {Name} definition: {cleaned(e.Message)}", path, e);
        }
        return value ?? throw Error($"the {Name} definition is null", "");
    }

    public SluiceException Error(string message, string path, Exception? inner = null) =>
        SluiceException.Usage(Code, message, Remedy, File, Line(path), inner);

    /// <summary>The line of <paramref name="path"/> below the object, else of the nearest enclosing key that is written.</summary>
    public int? Line(string path)
    {
        if (Lines is null) return null;
        var candidates = new List<string>();
        for (var p = path; p.Length > 0; p = Parent(p)) candidates.Add($"{Name}.{p}");
        candidates.Add(Name);
        candidates.AddRange(Fallbacks);
        return Lines.Of([.. candidates]);
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}

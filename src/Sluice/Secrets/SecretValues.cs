using System.Net;
using System.Text.Json;

namespace Sluice.Secrets;

/// <summary>
/// A redactor of known values (a connection string and its password), in front of another one (the run's). Values are
/// replaced longest first, so a secret that contains another is replaced whole; values shorter than
/// <see cref="MinimumLength"/> are not (masking "1" would garble every line), as in the engine's registry.
/// </summary>
public sealed class SecretValues : ISecretRedactor
{
    public const string Mask = "***";
    public const int MinimumLength = 4;

    /// <summary>Redacts nothing: for callers with no secrets of their own.</summary>
    public static readonly ISecretRedactor None = new SecretValues([]);

    private readonly string[] _values;
    private readonly ISecretRedactor? _next;

    public SecretValues(IEnumerable<string?> values, ISecretRedactor? next = null)
    {
        // Each value as is, inside a JSON string and in HTML: the forms it takes in the files and rows Sluice writes.
        _values = [.. values.OfType<string>()
            .SelectMany(v => new[] { v, JsonEncodedText.Encode(v).ToString(), WebUtility.HtmlEncode(v) })
            .Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
        _next = next;
    }

    public string Redact(string text)
    {
        foreach (var value in _values)
            if (text.Contains(value, StringComparison.Ordinal)) text = text.Replace(value, Mask, StringComparison.Ordinal);
        return _next?.Redact(text) ?? text;
    }
}

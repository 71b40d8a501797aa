using System.Net;
using System.Text.Json;

namespace Sluice.Build;

/// <summary>
/// The secret values of one run. Every output sink redacts them; CI hosts also ask the platform to mask them.
/// Values shorter than <see cref="MinimumLength"/> are not redacted: masking "1" or "on" would garble every line.
/// </summary>
internal sealed class SecretRegistry
{
    public const int MinimumLength = 4;
    public const string Mask = "***";

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    public event Action<string>? Added;

    public IReadOnlyList<string> Secrets => Volatile.Read(ref _secrets);

    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumLength) return;
        // The forms a secret takes in what Sluice writes: as is, in a URL, trimmed, inside a JSON string, in HTML.
        var forms = new[] { secret, Uri.EscapeDataString(secret), secret.Trim(), JsonEncodedText.Encode(secret).ToString(), WebUtility.HtmlEncode(secret) }
            .Where(s => s.Length >= MinimumLength).Distinct();
        lock (_gate)
        {
            var added = forms.Where(f => !_secrets.Contains(f)).ToList();
            if (added.Count == 0) return;
            // Longest first, so a secret that contains another is replaced whole.
            Volatile.Write(ref _secrets, _secrets.Concat(added).OrderByDescending(s => s.Length).ToArray());
        }
        Added?.Invoke(secret);
    }

    public string Redact(string text)
    {
        foreach (var secret in Secrets)
            if (text.Contains(secret, StringComparison.Ordinal)) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>The length of the longest suffix of <paramref name="text"/> that begins some secret; such a tail must wait for more text.</summary>
    public int PendingPrefixLength(ReadOnlySpan<char> text)
    {
        var longest = 0;
        foreach (var secret in Secrets)
        {
            var max = Math.Min(secret.Length - 1, text.Length);
            for (var length = max; length > longest; length--)
            {
                if (text[^length..].SequenceEqual(secret.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}

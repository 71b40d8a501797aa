using System.Text;

namespace Sluice.Build;

/// <summary>
/// A sink that redacts secrets from everything written through it, whatever path the text took (log calls,
/// <c>Console.WriteLine</c> from user code, exception messages). Text is held back only while its tail could be
/// the start of a secret, so a secret split across two writes is still caught and live output still flows.
/// </summary>
internal sealed class RedactingWriter(TextWriter inner, SecretRegistry secrets) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    /// <summary>The sink below, for the few lines that must carry a secret verbatim to the CI platform (<c>::add-mask::</c>).</summary>
    internal TextWriter Inner => inner;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _pending.Append(value);
            if (value is '\n' or '\r') Drain(final: false);
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        lock (_gate)
        {
            _pending.Append(value);
            Drain(final: false);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

    public override void Flush()
    {
        lock (_gate)
        {
            Drain(final: false);
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                Drain(final: true);
                inner.Flush();
            }
        }
        base.Dispose(disposing);
    }

    private void Drain(bool final)
    {
        if (_pending.Length == 0) return;
        var text = secrets.Redact(_pending.ToString());
        var hold = final ? 0 : secrets.PendingPrefixLength(text);
        inner.Write(text.AsSpan(0, text.Length - hold));
        _pending.Clear();
        if (hold > 0) _pending.Append(text.AsSpan(text.Length - hold));
    }
}

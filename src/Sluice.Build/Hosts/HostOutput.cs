namespace Sluice.Build;

/// <summary>
/// The sinks of one run: redacted standard output, the raw writer below it (only for the platform's own
/// mask commands, which must carry the secret once), the environment variables hosts read, and the secrets.
/// </summary>
internal sealed class HostOutput
{
    public HostOutput(TextWriter rawOut, SecretRegistry secrets, IReadOnlyDictionary<string, string> environment, bool interactive = false)
    {
        Secrets = secrets;
        Raw = rawOut is RedactingWriter redacting ? redacting.Inner : rawOut;
        Out = rawOut as RedactingWriter ?? new RedactingWriter(rawOut, secrets);
        Environment = environment;
        Interactive = interactive;
    }

    public SecretRegistry Secrets { get; }

    /// <summary>Redacted output: everything goes here.</summary>
    public TextWriter Out { get; }

    /// <summary>Unredacted; only mask commands may write here.</summary>
    internal TextWriter Raw { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>A terminal a person watches: live status lines are drawn.</summary>
    public bool Interactive { get; }

    /// <summary>Writes to a file on behalf of the host, redacted too.</summary>
    public void AppendToFile(string path, string text) => RedactedFiles.Append(path, text, Secrets);
}

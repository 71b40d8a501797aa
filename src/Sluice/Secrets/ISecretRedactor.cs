namespace Sluice.Secrets;

/// <summary>
/// Replaces a run's secret values in text the domain is about to keep: a file (report, profile, manifest) or a journal
/// row. The domain does not know where secrets come from; the host of a run (the build engine, a script) supplies them.
/// Everything Sluice writes passes through one, so a secret that reached an exception message is not kept either.
/// </summary>
public interface ISecretRedactor
{
    string Redact(string text);
}

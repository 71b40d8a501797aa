namespace Sluice.Secrets;

/// <summary>A run's secrets as a provider meets them: it registers a value it finds (a connection string, its
/// password) once, and from then on everything the run prints or keeps is redacted of it.</summary>
public interface IRunSecrets : ISecretRedactor
{
    void Add(string secret);
}

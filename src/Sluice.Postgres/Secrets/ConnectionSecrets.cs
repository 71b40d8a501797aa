using System.Data.Common;
using Sluice.Secrets;

namespace Sluice.Postgres.Secrets;

/// <summary>
/// The secret parts of an Npgsql connection string: the whole string and its password. Whatever a store built on a
/// connection string writes (journal rows, manifests) redacts these at least, even when its caller passes no secrets
/// of its own (a script calling the plain API).
/// </summary>
public static class ConnectionSecrets
{
    /// <summary>The whole string and its password. The password is read by the generic parser, which checks no
    /// values: a string Npgsql rejects (and quotes in its exception) still has its password found.</summary>
    public static IReadOnlyList<string> Of(string connectionString)
    {
        var parts = new DbConnectionStringBuilder();
        try
        {
            parts.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return [connectionString]; // not even key=value pairs: the whole text is the secret
        }
        var passwords = PasswordKeys.Select(k => parts.TryGetValue(k, out var v) ? v as string : null).OfType<string>().Where(p => p.Length > 0);
        return [connectionString, .. passwords];
    }

    private static readonly string[] PasswordKeys = ["password", "pwd", "psw"];

    /// <summary>This connection's secrets, then the run's.</summary>
    public static ISecretRedactor Redactor(string connectionString, ISecretRedactor? run) => new SecretValues(Of(connectionString), run);
}

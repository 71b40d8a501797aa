using System.Security.Cryptography;
using System.Text;

namespace Sluice.Migrations.Plans;

/// <summary>
/// SHA-256 over plan.yaml and every file its phases name, each framed by its name and length so moving text from one
/// file to another changes the hash. Line endings are normalised so a Windows checkout hashes like a Linux one.
/// </summary>
public static class PlanHasher
{
    public static string Hash(string planYaml, IEnumerable<MigrationPhase> phases)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(sha, PlanLoader.PlanFileName, planYaml);
        foreach (var script in phases.SelectMany(p => p.Scripts()))
            Append(sha, script.FileName, script.Sql);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void Append(IncrementalHash sha, string name, string text)
    {
        var body = Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal));
        sha.AppendData(Encoding.UTF8.GetBytes($"{name}\n{body.Length}\n"));
        sha.AppendData(body);
    }
}

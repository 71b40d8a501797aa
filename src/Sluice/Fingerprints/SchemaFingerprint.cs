using System.Security.Cryptography;
using System.Text;

namespace Sluice.Fingerprints;

/// <summary>
/// One catalog object in normalised form: no OIDs, no owners, names qualified unless in <c>public</c>.
/// <see cref="Kind"/> is one of table, column, default, constraint, index, sequence, view, function, trigger, type.
/// </summary>
public sealed record SchemaObject(string Kind, string Name, string Definition);

/// <summary>The normalised catalog of the user schemas, ordered by kind and name, with a stable SHA-256 of it.</summary>
public sealed record SchemaFingerprint
{
    public SchemaFingerprint(IReadOnlyList<SchemaObject> objects)
    {
        Objects = [.. objects.OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal)];
        Hash = Compute(Objects);
    }

    public IReadOnlyList<SchemaObject> Objects { get; }

    /// <summary>Lowercase hex SHA-256 of the objects, one <c>kind \t name \t definition \n</c> line each.</summary>
    public string Hash { get; }

    private static string Compute(IReadOnlyList<SchemaObject> objects)
    {
        var text = new StringBuilder();
        foreach (var o in objects) text.Append(o.Kind).Append('\t').Append(o.Name).Append('\t').Append(o.Definition).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

namespace Sluice.Secrets;

/// <summary>The one way the domain writes a text file: redacted first, then written whole through a temporary file, so a
/// reader never sees half of it.</summary>
public static class SecretFiles
{
    public static async Task WriteAllTextAsync(string path, string text, ISecretRedactor redactor, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, redactor.Redact(text), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

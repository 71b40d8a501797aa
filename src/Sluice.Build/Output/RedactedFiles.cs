namespace Sluice.Build;

/// <summary>
/// The one way the engine writes a file (run memory, the plan page, a CI host's step summary and outputs): through
/// the run's <see cref="SecretRegistry"/>, like every other sink, so no secret is kept on disk.
/// </summary>
internal static class RedactedFiles
{
    public static void Write(string path, string text, SecretRegistry secrets)
    {
        CreateFolderOf(path);
        File.WriteAllText(path, secrets.Redact(text));
    }

    public static void Append(string path, string text, SecretRegistry secrets)
    {
        CreateFolderOf(path);
        File.AppendAllText(path, secrets.Redact(text));
    }

    private static void CreateFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    }
}

using Sluice.Secrets;

namespace Sluice.Reports.History;

/// <summary>Writes the release history as <c>releases-&lt;env&gt;.md</c> (step summary, pull-request comment) and a
/// self-contained <c>releases-&lt;env&gt;.html</c>, with the run's secrets redacted; returns the paths.</summary>
public static class ReleaseHistoryFiles
{
    public static async Task<IReadOnlyList<string>> WriteAsync(ReleaseHistory history, string folder, ISecretRedactor redactor, CancellationToken cancellationToken)
    {
        var stem = Path.Combine(folder, $"releases-{history.Environment}");
        var paths = new[] { stem + ".md", stem + ".html" };
        await SecretFiles.WriteAllTextAsync(paths[0], ReleaseHistoryMarkdown.Render(history), redactor, cancellationToken);
        await SecretFiles.WriteAllTextAsync(paths[1], ReleaseHistoryPage.Render(history), redactor, cancellationToken);
        return paths;
    }
}

using Sluice.Publishing;

namespace Sluice.GitHub;

/// <summary>
/// The rehearsal or release report as one pull-request comment: the comment carrying the report's hidden marker is
/// updated in place, and only a pull request without one gets a new comment. Needs <c>pull_requests: write</c>
/// (comments on a pull request are issue comments; <c>issues: write</c> works as well).
/// </summary>
public sealed class GitHubPullRequestReport(GitHubCalls calls) : IReleaseReportPublisher
{
    private const string Permission = "pull_requests: write";
    private GitHubSettings Settings => calls.Settings;

    public async Task<PublishedReport> PublishAsync(int pullRequest, string kind, string markdown, CancellationToken cancellationToken)
    {
        var marker = IReleaseReportPublisher.Marker(kind);
        var body = $"{marker}\n{markdown}";
        var comments = await calls.RunAsync($"read the comments of pull request #{pullRequest}", Permission, () =>
            calls.Client.Issue.Comment.GetAllForIssue(Settings.Owner, Settings.Name, pullRequest));
        var existing = comments.FirstOrDefault(c => c.Body?.Contains(marker, StringComparison.Ordinal) == true);
        if (existing is not null)
        {
            if (existing.Body == body) return new PublishedReport(existing.Id, Url(existing.HtmlUrl), Created: false);
            var updated = await calls.RunAsync($"update the {kind} report on pull request #{pullRequest}", Permission, () =>
                calls.Client.Issue.Comment.Update(Settings.Owner, Settings.Name, existing.Id, body));
            return new PublishedReport(updated.Id, Url(updated.HtmlUrl), Created: false);
        }
        var created = await calls.RunAsync($"comment the {kind} report on pull request #{pullRequest}", Permission, () =>
            calls.Client.Issue.Comment.Create(Settings.Owner, Settings.Name, pullRequest, body));
        return new PublishedReport(created.Id, Url(created.HtmlUrl), Created: true);
    }

    private static Uri? Url(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
}

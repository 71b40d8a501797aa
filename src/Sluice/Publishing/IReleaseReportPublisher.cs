namespace Sluice.Publishing;

/// <summary>A published report: where it is and whether this run created it or updated the one before.</summary>
public sealed record PublishedReport(long Id, Uri? Url, bool Created);

/// <summary>
/// Publishes a rehearsal or release report as one comment on a pull request, found again by a hidden marker
/// (<see cref="Marker"/>) and updated in place, so a pull request holds one report per kind however many runs it sees.
/// </summary>
public interface IReleaseReportPublisher
{
    /// <param name="pullRequest">The pull request's number.</param>
    /// <param name="kind">Which report (<c>rehearsal</c>, <c>release</c>): one comment each.</param>
    /// <param name="markdown">The report.</param>
    Task<PublishedReport> PublishAsync(int pullRequest, string kind, string markdown, CancellationToken cancellationToken);

    /// <summary>The hidden marker that identifies a report's comment: an HTML comment, invisible when rendered.</summary>
    static string Marker(string kind) => $"<!-- sluice:report:{kind} -->";
}

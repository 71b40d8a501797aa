namespace Sluice.Snapshots.Cloud;

/// <summary>
/// A managed service's own snapshots of one instance or server, and the copies a verification restores them to. Each
/// call is one request (throttling retried inside); waiting is <see cref="CloudOperationPoller"/>'s. Names are chosen by
/// the caller so an interrupted run's leftovers can be found by tag and name.
/// </summary>
public interface ICloudSnapshotProvider
{
    CloudProviderKind Kind { get; }

    /// <summary>What the provider calls the source, for messages: <c>rds instance shop-prod (eu-west-1)</c>.</summary>
    string Describe();

    /// <summary>Starts a snapshot of the source named <paramref name="name"/>, tagged with <paramref name="tags"/>.</summary>
    Task<CloudResource> StartSnapshotAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>The snapshot as the provider sees it now; <see cref="CloudState.Gone"/> when it does not list it (yet).</summary>
    Task<CloudResource> DescribeSnapshotAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes the snapshot; one that is already gone is not an error.</summary>
    Task DeleteSnapshotAsync(string name, CancellationToken cancellationToken);

    /// <summary>Starts restoring snapshot <paramref name="snapshot"/> (made at <paramref name="snapshotTime"/>) to a new
    /// instance or server <paramref name="copy"/> of class <paramref name="instanceClass"/>, tagged with <paramref name="tags"/>
    /// and <see cref="CloudTags.CopyOf"/> naming the source.</summary>
    Task<CloudResource> StartCopyAsync(string snapshot, DateTimeOffset snapshotTime, string copy, string instanceClass,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>The copy as the provider sees it now, with its address once it has one.</summary>
    Task<CloudResource> DescribeCopyAsync(string copy, CancellationToken cancellationToken);

    /// <summary>Starts deleting the copy (without a final snapshot); one that is already gone is not an error.</summary>
    Task DeleteCopyAsync(string copy, CancellationToken cancellationToken);

    /// <summary>Every copy carrying the tag <see cref="CloudTags.CopyOf"/> for this source: what a sweep looks at.</summary>
    Task<IReadOnlyList<CloudResource>> ListCopiesAsync(CancellationToken cancellationToken);

    /// <summary>How to delete a copy by hand, for the message when Sluice could not (<c>aws rds delete-db-instance ...</c>).</summary>
    string DeleteCopyCommand(string copy);
}

/// <summary>Where a provider resource stands, in Sluice's words.</summary>
public enum CloudState
{
    /// <summary>Being created, backed up, modified or restored.</summary>
    Pending,
    /// <summary>Ready: a snapshot that can be restored, a copy that answers.</summary>
    Available,
    /// <summary>The provider gave up on it (<c>failed</c>, <c>incompatible-restore</c>, ARM <c>Failed</c>).</summary>
    Failed,
    /// <summary>Being deleted.</summary>
    Deleting,
    /// <summary>Not listed: never made, deleted, or not visible yet (describe calls are eventually consistent).</summary>
    Gone,
}

/// <summary>A snapshot or copy as the provider described it.</summary>
/// <param name="Name">Its identifier at the provider.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Status">The provider's own word for it (<c>creating</c>, <c>available</c>, <c>Succeeded</c>).</param>
/// <param name="Host">A copy's address, once it has one.</param>
/// <param name="Port">A copy's port, once it has one.</param>
/// <param name="CreatedAt">When the provider made it, when it says.</param>
/// <param name="Tags">Its tags, when listed with them.</param>
public sealed record CloudResource(string Name, CloudState State, string Status, string? Host = null, int? Port = null,
    DateTimeOffset? CreatedAt = null, IReadOnlyDictionary<string, string>? Tags = null)
{
    public static CloudResource Gone(string name) => new(name, CloudState.Gone, "not found");
}

/// <summary>The tags Sluice puts on what it makes at a provider, so a person and a sweep can tell what it is.</summary>
public static class CloudTags
{
    public const string Environment = "sluice:environment";
    public const string Snapshot = "sluice:snapshot";
    public const string Plan = "sluice:plan";
    public const string Run = "sluice:run";
    /// <summary>On a copy: the source it was restored from; a sweep deletes only copies that carry it.</summary>
    public const string CopyOf = "sluice:copy-of";
    /// <summary>On a copy: when it was made (ISO 8601), so a sweep can judge its age without trusting the provider's clock.</summary>
    public const string CreatedAt = "sluice:created-at";
}

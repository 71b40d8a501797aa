using Sluice.Postgres.Fingerprints;
using Sluice.Secrets;
using Sluice.Snapshots.Cloud;

namespace Sluice.Postgres.Snapshots.Cloud;

/// <summary>Where <see cref="CloudSnapshotStore"/> keeps manifests, what it tags, and how it reaches a copy.</summary>
public sealed record CloudSnapshotOptions
{
    /// <summary>The environment's snapshot folder (manifests only; the data stays at the provider).</summary>
    public required string Folder { get; init; }

    public required string Environment { get; init; }

    /// <summary>The environment's <c>cloud</c> object: copy class, lifetime and operation timeout.</summary>
    public required CloudDefinition Definition { get; init; }

    /// <summary>The run's secrets, kept out of the manifests; none by default.</summary>
    public ISecretRedactor Redactor { get; init; } = SecretValues.None;

    /// <summary>Extra tags on every snapshot and copy (<see cref="CloudTags.Run"/>, <see cref="CloudTags.Plan"/>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public CloudPolling Polling { get; init; } = CloudPolling.Default;

    /// <summary>The connection string of a copy, from the source's and the copy's address. By default the source's with
    /// the copy's host and port: a restored instance keeps the source's databases, users and passwords.</summary>
    public Func<string, CloudResource, string>? CopyConnection { get; init; }

    public FingerprintOptions Fingerprint { get; init; } = FingerprintOptions.Default;
}

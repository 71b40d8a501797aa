namespace Sluice.Snapshots.Cloud;

/// <summary>Makes the <see cref="ICloudSnapshotProvider"/> of an environment's <c>cloud</c> object: one per provider
/// package (Sluice.Aws' RDS, Sluice.Azure's Flexible Server), registered with the session provider.</summary>
public interface ICloudSnapshotProviderFactory
{
    CloudProviderKind Kind { get; }

    /// <summary>Builds the provider without calling anything; credentials are looked up on first use.</summary>
    ICloudSnapshotProvider Create(CloudDefinition definition);
}

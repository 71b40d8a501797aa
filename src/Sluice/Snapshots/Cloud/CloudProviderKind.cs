namespace Sluice.Snapshots.Cloud;

/// <summary>The managed PostgreSQL services whose own snapshots Sluice takes.</summary>
public enum CloudProviderKind
{
    /// <summary>Amazon RDS for PostgreSQL (manual DB snapshots, restore to a new instance).</summary>
    Rds,

    /// <summary>Azure Database for PostgreSQL Flexible Server (on-demand backups, point-in-time restore to a new server).</summary>
    AzureFlexible,
}

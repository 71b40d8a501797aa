using System.Globalization;
using System.Xml.Linq;
using Sluice.Snapshots.Cloud;

namespace Sluice.Aws.Rds;

/// <summary>
/// One RDS instance's manual DB snapshots and the copies restored from them: <c>CreateDBSnapshot</c>,
/// <c>DescribeDBSnapshots</c>, <c>DeleteDBSnapshot</c>, <c>RestoreDBInstanceFromDBSnapshot</c> (into the source's
/// subnet group and security groups, single-AZ, not public), <c>DescribeDBInstances</c> and <c>DeleteDBInstance</c>
/// (no final snapshot, automated backups too). Statuses map to <see cref="CloudState"/>: <c>available</c> is available;
/// <c>failed</c>, <c>incompatible-restore</c>, <c>incompatible-parameters</c>, <c>incompatible-network</c> and
/// <c>restore-error</c> are failed; <c>deleting</c> is deleting; a <c>DBSnapshotNotFound</c> or
/// <c>DBInstanceNotFound</c> is gone; anything else is pending.
/// </summary>
internal sealed class RdsSnapshotProvider(RdsQueryClient client, string instance, string region) : ICloudSnapshotProvider
{
    private static readonly XNamespace Ns = RdsQueryClient.Ns;
    private static readonly string[] FailedStatuses = ["failed", "incompatible-restore", "incompatible-parameters", "incompatible-network", "restore-error", "inaccessible-encryption-credentials"];

    public CloudProviderKind Kind => CloudProviderKind.Rds;

    public string Describe() => $"rds instance {instance} ({region})";

    public async Task<CloudResource> StartSnapshotAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("CreateDBSnapshot",
            [new("DBInstanceIdentifier", instance), new("DBSnapshotIdentifier", name), .. Tags(tags)], cancellationToken);
        return Snapshot(result.Element(Ns + "DBSnapshot")!);
    }

    public Task<CloudResource> DescribeSnapshotAsync(string name, CancellationToken cancellationToken) =>
        DescribeOneAsync("DescribeDBSnapshots", "DBSnapshotIdentifier", "DBSnapshots", "DBSnapshot", "DBSnapshotNotFound", name, Snapshot, cancellationToken);

    public async Task DeleteSnapshotAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CallAsync("DeleteDBSnapshot", [new("DBSnapshotIdentifier", name)], cancellationToken);
        }
        catch (RdsApiException e) when (e.ErrorCode == "DBSnapshotNotFound")
        {
            // Already gone.
        }
    }

    public async Task<CloudResource> StartCopyAsync(string snapshot, DateTimeOffset snapshotTime, string copy, string instanceClass,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        // The copy lands beside the source, so the runner reaches it the way it reaches the source.
        var source = (await client.CallAsync("DescribeDBInstances", [new("DBInstanceIdentifier", instance)], cancellationToken))
            .Element(Ns + "DBInstances")?.Element(Ns + "DBInstance");
        List<KeyValuePair<string, string>> parameters =
        [
            new("DBInstanceIdentifier", copy), new("DBSnapshotIdentifier", snapshot), new("DBInstanceClass", instanceClass),
            new("MultiAZ", "false"), new("PubliclyAccessible", "false"), new("DeletionProtection", "false"),
        ];
        if (source?.Element(Ns + "DBSubnetGroup")?.Element(Ns + "DBSubnetGroupName")?.Value is { } subnetGroup)
            parameters.Add(new("DBSubnetGroupName", subnetGroup));
        var groups = source?.Element(Ns + "VpcSecurityGroups")?.Elements(Ns + "VpcSecurityGroupMembership")
            .Select(g => g.Element(Ns + "VpcSecurityGroupId")?.Value).OfType<string>().ToList() ?? [];
        for (var i = 0; i < groups.Count; i++) parameters.Add(new($"VpcSecurityGroupIds.VpcSecurityGroupId.{i + 1}", groups[i]));
        parameters.AddRange(Tags(new Dictionary<string, string>(tags) { [CloudTags.CopyOf] = instance }));
        var result = await client.CallAsync("RestoreDBInstanceFromDBSnapshot", parameters, cancellationToken);
        return Instance(result.Element(Ns + "DBInstance")!);
    }

    public Task<CloudResource> DescribeCopyAsync(string copy, CancellationToken cancellationToken) =>
        DescribeOneAsync("DescribeDBInstances", "DBInstanceIdentifier", "DBInstances", "DBInstance", "DBInstanceNotFound", copy, Instance, cancellationToken);

    /// <summary>One snapshot or instance by identifier; RDS's "not found" (or an empty list) is <see cref="CloudState.Gone"/>.</summary>
    private async Task<CloudResource> DescribeOneAsync(string action, string parameter, string list, string item, string notFound, string name,
        Func<XElement, CloudResource> read, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync(action, [new(parameter, name)], cancellationToken);
            return result.Element(Ns + list)?.Element(Ns + item) is { } found ? read(found) : CloudResource.Gone(name);
        }
        catch (RdsApiException e) when (e.ErrorCode == notFound)
        {
            return CloudResource.Gone(name);
        }
    }

    public async Task DeleteCopyAsync(string copy, CancellationToken cancellationToken)
    {
        try
        {
            await client.CallAsync("DeleteDBInstance",
                [new("DBInstanceIdentifier", copy), new("SkipFinalSnapshot", "true"), new("DeleteAutomatedBackups", "true")], cancellationToken);
        }
        catch (RdsApiException e) when (e.ErrorCode == "DBInstanceNotFound")
        {
            // Already gone.
        }
        catch (RdsApiException e) when (e.ErrorCode == "InvalidDBInstanceState")
        {
            // A second delete of a copy already being deleted is done; a copy in any other state must still be deleted.
            if ((await DescribeCopyAsync(copy, cancellationToken)).State is not (CloudState.Deleting or CloudState.Gone)) throw;
        }
    }

    public async Task<IReadOnlyList<CloudResource>> ListCopiesAsync(CancellationToken cancellationToken)
    {
        var copies = new List<CloudResource>();
        string? marker = null;
        do
        {
            List<KeyValuePair<string, string>> parameters = [new("MaxRecords", "100")];
            if (marker is not null) parameters.Add(new("Marker", marker));
            var result = await client.CallAsync("DescribeDBInstances", parameters, cancellationToken);
            copies.AddRange((result.Element(Ns + "DBInstances")?.Elements(Ns + "DBInstance") ?? []).Select(Instance)
                .Where(c => c.Tags is { } tags && tags.TryGetValue(CloudTags.CopyOf, out var of) && of == instance));
            marker = result.Element(Ns + "Marker")?.Value;
        }
        while (!string.IsNullOrEmpty(marker));
        return copies;
    }

    public string DeleteCopyCommand(string copy) =>
        $"aws rds delete-db-instance --region {region} --db-instance-identifier {copy} --skip-final-snapshot --delete-automated-backups";

    private static IEnumerable<KeyValuePair<string, string>> Tags(IReadOnlyDictionary<string, string> tags) =>
        tags.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"Tags.Tag.{i + 1}.Key", t.Key), new($"Tags.Tag.{i + 1}.Value", t.Value),
        });

    private static CloudResource Snapshot(XElement snapshot) => new(
        snapshot.Element(Ns + "DBSnapshotIdentifier")?.Value ?? "",
        StateOf(snapshot.Element(Ns + "Status")?.Value),
        snapshot.Element(Ns + "Status")?.Value ?? "",
        CreatedAt: Time(snapshot.Element(Ns + "SnapshotCreateTime")?.Value),
        Tags: TagList(snapshot));

    private static CloudResource Instance(XElement db)
    {
        var endpoint = db.Element(Ns + "Endpoint");
        return new(
            db.Element(Ns + "DBInstanceIdentifier")?.Value ?? "",
            StateOf(db.Element(Ns + "DBInstanceStatus")?.Value),
            db.Element(Ns + "DBInstanceStatus")?.Value ?? "",
            endpoint?.Element(Ns + "Address")?.Value,
            int.TryParse(endpoint?.Element(Ns + "Port")?.Value, CultureInfo.InvariantCulture, out var port) ? port : null,
            Time(db.Element(Ns + "InstanceCreateTime")?.Value),
            TagList(db));
    }

    private static Dictionary<string, string> TagList(XElement element) =>
        (element.Element(Ns + "TagList")?.Elements(Ns + "Tag") ?? [])
        .Select(t => (Key: t.Element(Ns + "Key")?.Value, Value: t.Element(Ns + "Value")?.Value ?? ""))
        .Where(t => t.Key is not null).GroupBy(t => t.Key!).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    private static CloudState StateOf(string? status) => status switch
    {
        "available" => CloudState.Available,
        "deleting" => CloudState.Deleting,
        null or "" => CloudState.Pending,
        _ when FailedStatuses.Contains(status) => CloudState.Failed,
        _ => CloudState.Pending,
    };

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Sluice.Adapters.Tests.Fakes;
using Sluice.Aws.Rds;
using Sluice.Cloud.Tests.Fakes;
using Sluice.Postgres.Clusters;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>
/// A local fake of the RDS Query API (version 2014-10-31) backed by real PostgreSQL (<see cref="FakeDatabaseHost"/>): a
/// source instance is a database on the test cluster, a DB snapshot a <c>pg_dump</c> of it, a restored instance a
/// PostgreSQL cluster of its own loaded from that dump.
/// It speaks the wire format: form-encoded POSTs to <c>/</c>, SigV4 checked against <see cref="SecretKey"/>
/// (<c>SignatureDoesNotMatch</c>, <c>InvalidClientTokenId</c>), <c>&lt;{Action}Response&gt;</c> bodies in RDS's
/// namespace, and <c>&lt;ErrorResponse&gt;</c> with RDS's codes and statuses (<c>DBInstanceNotFound</c> 404,
/// <c>DBSnapshotAlreadyExists</c> 400, <c>Throttling</c> 400, ...).
/// <para>Fault modes, set per test: <see cref="Throttle"/>, <see cref="RestoreOutcome"/> (fails halfway, never
/// available), <see cref="HiddenDescribes"/> (eventual consistency), <see cref="CorruptRestore"/> (a changed row).</para>
/// </summary>
public sealed class FakeRds(FakeDatabaseHost host) : FakeCloudServer(host)
{
    public const string AccessKey = "AKIAFAKERDS000000001";
    public const string SecretKey = "fake-rds-secret-key-7d1c9b2e";
    public const string Region = "eu-west-1";
    private static readonly XNamespace Ns = RdsQueryClient.Ns;

    private readonly ConcurrentDictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Snapshot> _snapshots = new(StringComparer.Ordinal);

    /// <summary>How many describes of a new snapshot or instance answer "not found" before it shows (eventual consistency).</summary>
    public int HiddenDescribes { get; set; }

    /// <summary>The restored instances that exist (not yet deleted).</summary>
    public override IReadOnlyList<string> Copies => [.. _instances.Values.Where(i => i.Source is null).Select(i => i.Name).Order()];

    public override IReadOnlyDictionary<string, string> TagsOf(string name) =>
        _instances.TryGetValue(name, out var i) ? i.Tags : _snapshots.TryGetValue(name, out var s) ? s.Tags : new Dictionary<string, string>();

    public override IReadOnlyList<string> SnapshotNames => [.. _snapshots.Keys.Order()];

    protected override IEnumerable<LocalCluster?> CopyClusters => _instances.Values.Select(i => i.Cluster);

    public static Task<FakeRds> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(host => new FakeRds(host), fake => LoopbackServer.StartAsync(app => app.MapPost("/", fake.HandleAsync)), cancellationToken);

    /// <summary>An existing instance whose data is the database <paramref name="connectionString"/> names.</summary>
    public void AddInstance(string name, string connectionString) =>
        _instances[name] = new Instance(name, "db.r6g.large", null, new Dictionary<string, string>(), DateTimeOffset.UtcNow) { Source = connectionString, Status = "available" };

    /// <summary>A copy an earlier, interrupted run left (tagged as Sluice tags them, made <paramref name="age"/> ago).</summary>
    public void AddLeftoverCopy(string name, string copyOf, TimeSpan age) =>
        _instances[name] = new Instance(name, "db.t4g.micro", null, new Dictionary<string, string>
        {
            ["sluice:copy-of"] = copyOf, ["sluice:created-at"] = (DateTimeOffset.UtcNow - age).ToString("O", CultureInfo.InvariantCulture),
        }, DateTimeOffset.UtcNow - age) { Status = "available" };

    private async Task HandleAsync(HttpContext c)
    {
        var body = await new StreamReader(c.Request.Body, Encoding.UTF8).ReadToEndAsync();
        var p = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var action = p.GetValueOrDefault("Action") ?? "";
        Called(action);
        if (!SignatureHolds(c, body, out var denied)) { await ErrorAsync(c, 403, denied.Code, denied.Message); return; }
        if (p.GetValueOrDefault("Version") != RdsQueryClient.ApiVersion) { await ErrorAsync(c, 400, "InvalidAction", $"Could not find operation {action} for version {p.GetValueOrDefault("Version")}"); return; }
        if (Throttle is { } throttle && throttle.Count > 0 && (throttle.Action is null || throttle.Action == action))
        {
            throttle.Count--;
            if (throttle.RetryAfterSeconds is { } seconds) c.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(c, 400, "Throttling", "Rate exceeded");
            return;
        }
        try
        {
            var result = action switch
            {
                "CreateDBSnapshot" => await CreateSnapshotAsync(p, c.RequestAborted),
                "DescribeDBSnapshots" => DescribeSnapshots(p),
                "DeleteDBSnapshot" => DeleteSnapshot(p),
                "RestoreDBInstanceFromDBSnapshot" => Restore(p),
                "DescribeDBInstances" => await DescribeInstancesAsync(p),
                "DeleteDBInstance" => await DeleteInstanceAsync(p),
                _ => throw new Fault(400, "InvalidAction", $"The action {action} is not valid for this web service."),
            };
            var response = new XElement(Ns + $"{action}Response", new XElement(Ns + $"{action}Result", result),
                new XElement(Ns + "ResponseMetadata", new XElement(Ns + "RequestId", Guid.NewGuid().ToString())));
            c.Response.ContentType = "text/xml";
            await c.Response.WriteAsync(response.ToString(SaveOptions.DisableFormatting));
        }
        catch (Fault fault)
        {
            await ErrorAsync(c, fault.Status, fault.Code, fault.Message);
        }
    }

    private async Task<XElement> CreateSnapshotAsync(Dictionary<string, string> p, CancellationToken cancellationToken)
    {
        var instance = Required(p, "DBInstanceIdentifier");
        var name = Required(p, "DBSnapshotIdentifier");
        if (!_instances.TryGetValue(instance, out var source) || source.Source is null)
            throw new Fault(404, "DBInstanceNotFound", $"DBInstance {instance} not found.");
        if (_snapshots.ContainsKey(name)) throw new Fault(400, "DBSnapshotAlreadyExists", $"Cannot create the snapshot because a snapshot with the identifier {name} already exists.");
        var snapshot = new Snapshot(name, instance, await Host.DumpAsync(name, source.Source, cancellationToken), Tags(p), DateTimeOffset.UtcNow);
        _snapshots[name] = snapshot;
        return SnapshotXml(snapshot, "creating");
    }

    private XElement DescribeSnapshots(Dictionary<string, string> p)
    {
        var name = p.GetValueOrDefault("DBSnapshotIdentifier");
        var found = name is null ? _snapshots.Values.ToList() : _snapshots.TryGetValue(name, out var one) && one.Seen++ >= HiddenDescribes ? [one] : [];
        if (name is not null && found.Count == 0) throw new Fault(404, "DBSnapshotNotFound", $"DBSnapshot {name} not found.");
        foreach (var s in found) s.Describes++;
        return new XElement(Ns + "DBSnapshots", found.Select(s => SnapshotXml(s, s.Describes > 1 ? "available" : "creating")));
    }

    private XElement DeleteSnapshot(Dictionary<string, string> p)
    {
        var name = Required(p, "DBSnapshotIdentifier");
        if (!_snapshots.TryRemove(name, out var snapshot)) throw new Fault(404, "DBSnapshotNotFound", $"DBSnapshot {name} not found.");
        File.Delete(snapshot.Dump.File);
        return SnapshotXml(snapshot, "deleted");
    }

    private XElement Restore(Dictionary<string, string> p)
    {
        var name = Required(p, "DBInstanceIdentifier");
        var snapshotName = Required(p, "DBSnapshotIdentifier");
        if (!_snapshots.TryGetValue(snapshotName, out var snapshot)) throw new Fault(404, "DBSnapshotNotFound", $"DBSnapshot {snapshotName} not found.");
        if (_instances.ContainsKey(name)) throw new Fault(400, "DBInstanceAlreadyExists", "DB instance already exists");
        var instance = new Instance(name, p.GetValueOrDefault("DBInstanceClass") ?? "db.t4g.micro", snapshot, Tags(p), DateTimeOffset.UtcNow) { Status = "creating" };
        _instances[name] = instance;
        return InstanceXml(instance);
    }

    private async Task<XElement> DescribeInstancesAsync(Dictionary<string, string> p)
    {
        var name = p.GetValueOrDefault("DBInstanceIdentifier");
        var found = name is null ? _instances.Values.Where(Shown).ToList() : _instances.TryGetValue(name, out var one) && Shown(one) ? [one] : [];
        if (name is not null && found.Count == 0) throw new Fault(404, "DBInstanceNotFound", $"DBInstance {name} not found.");
        foreach (var instance in found) await AdvanceAsync(instance);
        return new XElement(Ns + "DBInstances", found.Select(InstanceXml));
    }

    /// <summary>A restore moves on one step per describe: creating, then (for a good one) the data lands and it is available.</summary>
    private async Task AdvanceAsync(Instance instance)
    {
        if (instance.From is not { } snapshot || instance.Status != "creating") return;
        instance.Describes++;
        if (instance.Describes < 2) return;
        switch (RestoreOutcome)
        {
            case FakeRestore.NeverAvailable:
                return;
            case FakeRestore.FailsHalfway:
                instance.Status = "incompatible-restore";
                return;
        }
        instance.Cluster = await Host.RestoreAsync(snapshot.Dump, CorruptRestore);
        instance.Status = "available";
        OnCopyAvailable?.Invoke(instance.Name);
    }

    private async Task<XElement> DeleteInstanceAsync(Dictionary<string, string> p)
    {
        var name = Required(p, "DBInstanceIdentifier");
        if (p.GetValueOrDefault("SkipFinalSnapshot") != "true" && !p.ContainsKey("FinalDBSnapshotIdentifier"))
            throw new Fault(400, "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.");
        if (!_instances.TryRemove(name, out var instance)) throw new Fault(404, "DBInstanceNotFound", $"DBInstance {name} not found.");
        if (instance.Cluster is { } cluster) await cluster.DisposeAsync();
        instance.Cluster = null;
        instance.Status = "deleting";
        return InstanceXml(instance);
    }

    private bool Shown(Instance instance) => instance.From is null || instance.Seen++ >= HiddenDescribes;

    private static XElement SnapshotXml(Snapshot s, string status) => new(Ns + "DBSnapshot",
        new XElement(Ns + "DBSnapshotIdentifier", s.Name), new XElement(Ns + "DBInstanceIdentifier", s.Instance),
        new XElement(Ns + "SnapshotCreateTime", Time(s.CreatedAt)), new XElement(Ns + "Engine", "postgres"), new XElement(Ns + "AllocatedStorage", 20),
        new XElement(Ns + "Status", status), new XElement(Ns + "Port", 5432), new XElement(Ns + "SnapshotType", "manual"),
        new XElement(Ns + "DBSnapshotArn", $"arn:aws:rds:{Region}:123456789012:snapshot:{s.Name}"), TagXml(s.Tags));

    private static XElement InstanceXml(Instance i) => new(Ns + "DBInstance",
        new XElement(Ns + "DBInstanceIdentifier", i.Name), new XElement(Ns + "DBInstanceClass", i.Class), new XElement(Ns + "Engine", "postgres"),
        new XElement(Ns + "DBInstanceStatus", i.Status), new XElement(Ns + "MasterUsername", "postgres"),
        i.Cluster is { } cluster ? new XElement(Ns + "Endpoint", new XElement(Ns + "Address", "127.0.0.1"), new XElement(Ns + "Port", cluster.Port)) : null,
        new XElement(Ns + "InstanceCreateTime", Time(i.CreatedAt)),
        new XElement(Ns + "VpcSecurityGroups", new XElement(Ns + "VpcSecurityGroupMembership", new XElement(Ns + "VpcSecurityGroupId", "sg-0fake"), new XElement(Ns + "Status", "active"))),
        new XElement(Ns + "DBSubnetGroup", new XElement(Ns + "DBSubnetGroupName", "fake-subnets")),
        new XElement(Ns + "MultiAZ", false), new XElement(Ns + "PubliclyAccessible", false),
        new XElement(Ns + "DBInstanceArn", $"arn:aws:rds:{Region}:123456789012:db:{i.Name}"), TagXml(i.Tags));

    private static XElement TagXml(IReadOnlyDictionary<string, string> tags) =>
        new(Ns + "TagList", tags.Select(t => new XElement(Ns + "Tag", new XElement(Ns + "Key", t.Key), new XElement(Ns + "Value", t.Value))));

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Tags(Dictionary<string, string> p)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var n = 1; p.TryGetValue($"Tags.Tag.{n}.Key", out var key); n++) tags[key] = p.GetValueOrDefault($"Tags.Tag.{n}.Value") ?? "";
        return tags;
    }

    private static string Required(Dictionary<string, string> p, string name) =>
        p.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new Fault(400, "MissingParameter", $"The request must contain the parameter {name}.");

    /// <summary>Recomputes the SigV4 signature from the headers the client says it signed.</summary>
    private static bool SignatureHolds(HttpContext c, string body, out (string Code, string Message) denied)
    {
        denied = ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        var authorization = c.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal)) { denied = ("MissingAuthenticationToken", "Request is missing Authentication Token"); return false; }
        var parts = authorization[(SigV4.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        var credential = parts["Credential"].Split('/');
        if (credential[0] != AccessKey) { denied = ("InvalidClientTokenId", "The security token included in the request is invalid."); return false; }
        var (date, region, service) = (credential[1], credential[2], credential[3]);
        var amzDate = c.Request.Headers["x-amz-date"].ToString();
        var headers = parts["SignedHeaders"].Split(';').ToDictionary(h => h, h => h == "host" ? c.Request.Host.Value! : c.Request.Headers[h].ToString(), StringComparer.Ordinal);
        var expected = SigV4.Signature(SecretKey, region, service, date, amzDate, $"{date}/{region}/{service}/aws4_request", SigV4.CanonicalRequest(c.Request.Method, headers, body));
        return region == Region && service == "rds" && expected == parts["Signature"];
    }

    private static async Task ErrorAsync(HttpContext c, int status, string code, string message)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "text/xml";
        var type = status >= 500 ? "Receiver" : "Sender";
        var error = new XElement(Ns + "ErrorResponse",
            new XElement(Ns + "Error", new XElement(Ns + "Type", type), new XElement(Ns + "Code", code), new XElement(Ns + "Message", message)),
            new XElement(Ns + "RequestId", Guid.NewGuid().ToString()));
        await c.Response.WriteAsync(error.ToString(SaveOptions.DisableFormatting));
    }

    private sealed class Fault(int status, string code, string message) : Exception(message)
    {
        public int Status => status;
        public string Code => code;
    }

    private sealed record Snapshot(string Name, string Instance, FakeDump Dump, Dictionary<string, string> Tags, DateTimeOffset CreatedAt)
    {
        /// <summary>Describes asked of it, hidden ones included.</summary>
        public int Seen { get; set; }
        /// <summary>Describes that showed it.</summary>
        public int Describes { get; set; }
    }

    private sealed class Instance(string name, string instanceClass, Snapshot? from, Dictionary<string, string> tags, DateTimeOffset createdAt)
    {
        public string Name => name;
        public string Class => instanceClass;
        public Snapshot? From => from;
        public Dictionary<string, string> Tags => tags;
        public DateTimeOffset CreatedAt => createdAt;
        public string? Source { get; init; }
        public string Status { get; set; } = "creating";
        public LocalCluster? Cluster { get; set; }
        public int Describes { get; set; }
        public int Seen { get; set; }
    }
}

using Amazon.Runtime;
using Sluice.Aws.Rds;
using Sluice.Cloud.Tests.Fakes;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Snapshots.Cloud;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>One test's RDS world: the source registered with a fresh <see cref="FakeRds"/> as instance <c>shop-prod</c>.</summary>
public sealed class RdsFakeEnvironment : FakeCloudEnvironment
{
    public const string Instance = "shop-prod";

    private RdsFakeEnvironment(EphemeralDatabase database, FakeRds fake, string folder) : base(database, fake, Instance, folder) => Fake = fake;

    public FakeRds Fake { get; }

    public static RdsOptions Retries { get; } = new(4, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200));

    public static async Task<RdsFakeEnvironment> StartAsync(PostgresFixture postgres, CancellationToken ct)
    {
        var (database, fake, folder) = await StartAsync(postgres, FakeRds.StartAsync, (f, source) => f.AddInstance(Instance, source), "rds-snapshots-", ct);
        return new RdsFakeEnvironment(database, fake, folder);
    }

    public override CloudDefinition Definition(TimeSpan? operationTimeout = null) => new()
    {
        Instance = Instance, Region = FakeRds.Region, Endpoint = Fake.Endpoint, OperationTimeout = operationTimeout ?? TimeSpan.FromMinutes(1),
    };

    public RdsSnapshots Snapshots(string secret = FakeRds.SecretKey) => new(new BasicAWSCredentials(FakeRds.AccessKey, secret), Retries);

    /// <summary>A store whose requests are signed with <paramref name="secret"/> (a wrong one is refused by the fake).</summary>
    public CloudSnapshotStore Store(CloudDefinition? definition, string secret)
    {
        definition ??= Definition();
        return Store(definition, Snapshots(secret).Create(definition));
    }

    protected override ICloudSnapshotProvider Provider(CloudDefinition definition) => Snapshots().Create(definition);
}

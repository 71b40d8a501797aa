using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Sluice.Adapters.Tests.Azure;
using Sluice.Azure.Snapshots;
using Sluice.Cloud.Tests.Fakes;
using Sluice.Postgres.Databases;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Azure;

/// <summary>One test's Azure world: the source registered with a fresh <see cref="FakeFlexibleServer"/> as server <c>shop-prod</c>.</summary>
public sealed class AzureFakeEnvironment : FakeCloudEnvironment
{
    public const string Server = "shop-prod";

    private AzureFakeEnvironment(EphemeralDatabase database, FakeFlexibleServer fake, string folder) : base(database, fake, Server, folder) => Fake = fake;

    public FakeFlexibleServer Fake { get; }

    public static async Task<AzureFakeEnvironment> StartAsync(PostgresFixture postgres, CancellationToken ct)
    {
        var (database, fake, folder) = await StartAsync(postgres, FakeFlexibleServer.StartAsync, (f, source) => f.AddServer(Server, source), "azure-snapshots-", ct);
        return new AzureFakeEnvironment(database, fake, folder);
    }

    public override CloudDefinition Definition(TimeSpan? operationTimeout = null) => new()
    {
        Subscription = FakeFlexibleServer.Subscription, ResourceGroup = FakeFlexibleServer.Group, Server = Server, Endpoint = Fake.Endpoint,
        OperationTimeout = operationTimeout ?? TimeSpan.FromMinutes(1),
    };

    public FlexibleServerSnapshots Snapshots()
    {
        var options = new ArmClientOptions
        {
            Transport = new HttpClientTransport(Fake.Loopback.TrustsOnlyThisServer()),
        };
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        return new FlexibleServerSnapshots(new FixedTokenCredential(FakeFlexibleServer.Token), options);
    }

    protected override ICloudSnapshotProvider Provider(CloudDefinition definition) => Snapshots().Create(definition);

    protected override Func<string, CloudResource, string>? CopyConnection => (_, copy) => Fake.ConnectionStringOf(copy.Name);
}

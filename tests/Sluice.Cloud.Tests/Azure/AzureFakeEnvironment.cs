using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Npgsql;
using Sluice.Adapters.Tests.Azure;
using Sluice.Azure.Snapshots;
using Sluice.Cloud.Tests.Rds;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Snapshots.Cloud;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Azure;

/// <summary>One test's Azure world: the source database (100 orders) registered with a fresh
/// <see cref="FakeFlexibleServer"/> as server <c>shop-prod</c>, and a snapshot folder of its own.</summary>
public sealed class AzureFakeEnvironment : IAsyncDisposable
{
    public const string Server = "shop-prod";

    private AzureFakeEnvironment(EphemeralDatabase database, FakeFlexibleServer fake, string folder)
    {
        Database = database;
        Fake = fake;
        Folder = folder;
    }

    public EphemeralDatabase Database { get; }

    public FakeFlexibleServer Fake { get; }

    public string Folder { get; }

    public static async Task<AzureFakeEnvironment> StartAsync(PostgresFixture postgres, CancellationToken ct)
    {
        var database = await RdsFakeEnvironment.SeedAsync(postgres, ct);
        var fake = await FakeFlexibleServer.StartAsync(ct);
        fake.AddServer(Server, database.ConnectionString);
        return new AzureFakeEnvironment(database, fake, Directory.CreateTempSubdirectory("azure-snapshots-").FullName);
    }

    public CloudDefinition Definition(TimeSpan? operationTimeout = null) => new()
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

    public CloudSnapshotStore Store(CloudDefinition? definition = null)
    {
        definition ??= Definition();
        return new CloudSnapshotStore(new CloudSnapshotOptions
        {
            Folder = Folder, Environment = "production", Definition = definition, Polling = RdsFakeEnvironment.Polling,
            Tags = new Dictionary<string, string> { [CloudTags.Run] = "test-run", [CloudTags.Plan] = "0001-add-orders" },
            CopyConnection = (_, copy) => Fake.ConnectionStringOf(copy.Name),
        }, Snapshots().Create(definition), Database.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Fake.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

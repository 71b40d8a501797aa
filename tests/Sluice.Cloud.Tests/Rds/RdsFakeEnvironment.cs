using Amazon.Runtime;
using Npgsql;
using Sluice.Aws.Rds;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Snapshots.Cloud;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>One test's RDS world: a source database with 100 orders on the shared cluster, registered with a fresh
/// <see cref="FakeRds"/> as instance <c>shop-prod</c>, and a snapshot folder of its own.</summary>
public sealed class RdsFakeEnvironment : IAsyncDisposable
{
    public const string Instance = "shop-prod";

    private RdsFakeEnvironment(EphemeralDatabase database, FakeRds fake, string folder)
    {
        Database = database;
        Fake = fake;
        Folder = folder;
    }

    public EphemeralDatabase Database { get; }

    public FakeRds Fake { get; }

    public string Folder { get; }

    /// <summary>Fast polling for tests: 50 ms doubling to 200 ms, a started resource unlisted for up to 5 s.</summary>
    public static CloudPolling Polling { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    public static RdsOptions Retries { get; } = new(4, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200));

    /// <summary>A database on the shared cluster holding <c>orders</c> with 100 rows: the source every cloud test snapshots.</summary>
    public static async Task<EphemeralDatabase> SeedAsync(PostgresFixture postgres, CancellationToken ct)
    {
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var seed = new NpgsqlCommand(
            "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL); INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 100) g", connection);
        await seed.ExecuteNonQueryAsync(ct);
        return database;
    }

    public static async Task<RdsFakeEnvironment> StartAsync(PostgresFixture postgres, CancellationToken ct)
    {
        var database = await SeedAsync(postgres, ct);
        var fake = await FakeRds.StartAsync(ct);
        fake.AddInstance(Instance, database.ConnectionString);
        return new RdsFakeEnvironment(database, fake, Directory.CreateTempSubdirectory("rds-snapshots-").FullName);
    }

    public CloudDefinition Definition(TimeSpan? operationTimeout = null) => new()
    {
        Instance = Instance, Region = FakeRds.Region, Endpoint = Fake.Endpoint, OperationTimeout = operationTimeout ?? TimeSpan.FromMinutes(1),
    };

    public RdsSnapshots Snapshots(string secret = FakeRds.SecretKey) => new(new BasicAWSCredentials(FakeRds.AccessKey, secret), Retries);

    public CloudSnapshotStore Store(CloudDefinition? definition = null, string secret = FakeRds.SecretKey)
    {
        definition ??= Definition();
        return new CloudSnapshotStore(new CloudSnapshotOptions
        {
            Folder = Folder, Environment = "production", Definition = definition, Polling = Polling,
            Tags = new Dictionary<string, string> { [CloudTags.Run] = "test-run", [CloudTags.Plan] = "0001-add-orders" },
        }, Snapshots(secret).Create(definition), Database.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Fake.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Snapshots.Cloud;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Fakes;

/// <summary>
/// One test's cloud world: a source database with 100 orders on the shared cluster, registered with a fresh fake as the
/// instance or server <see cref="SourceName"/>, and a snapshot folder of its own. A provider's world says how its
/// definition and its provider client are made; the store, the seeding and the clean-up are the same for both.
/// </summary>
public abstract class FakeCloudEnvironment(EphemeralDatabase database, IFakeCloud fake, string sourceName, string folder) : IAsyncDisposable
{
    /// <summary>Fast polling for tests: 50 ms doubling to 200 ms, a started resource unlisted for up to 5 s.</summary>
    public static CloudPolling Polling { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    public EphemeralDatabase Database => database;

    /// <summary>The fake, as the fault-mode tests see either one.</summary>
    public IFakeCloud Cloud => fake;

    /// <summary>The source instance's or server's name at the provider.</summary>
    public string SourceName => sourceName;

    public string Folder => folder;

    public abstract CloudDefinition Definition(TimeSpan? operationTimeout = null);

    /// <summary>The provider client for <paramref name="definition"/>, talking to the fake.</summary>
    protected abstract ICloudSnapshotProvider Provider(CloudDefinition definition);

    /// <summary>How a copy is reached, when not at the provider's address (Azure's port is always 5432; the fake's are not).</summary>
    protected virtual Func<string, CloudResource, string>? CopyConnection => null;

    /// <summary>A store on the source, its snapshots tagged with a run and a plan.</summary>
    public CloudSnapshotStore Store(CloudDefinition? definition = null) => Store(definition ?? Definition(), Provider(definition ?? Definition()));

    protected CloudSnapshotStore Store(CloudDefinition definition, ICloudSnapshotProvider provider) => new(new CloudSnapshotOptions
    {
        Folder = Folder, Environment = "production", Definition = definition, Polling = Polling, CopyConnection = CopyConnection,
        Tags = new Dictionary<string, string> { [CloudTags.Run] = "test-run", [CloudTags.Plan] = "0001-add-orders" },
    }, provider, Database.ConnectionString);

    /// <summary>The source database, the fake started with it registered, and the folder: what a provider's world is made of.</summary>
    protected static async Task<(EphemeralDatabase Database, TFake Fake, string Folder)> StartAsync<TFake>(PostgresFixture postgres,
        Func<CancellationToken, Task<TFake>> start, Action<TFake, string> register, string folderPrefix, CancellationToken ct)
    {
        var database = await SeedAsync(postgres, ct);
        var fake = await start(ct);
        register(fake, database.ConnectionString);
        return (database, fake, Directory.CreateTempSubdirectory(folderPrefix).FullName);
    }

    /// <summary>A database on the shared cluster holding <c>orders</c> with 100 rows: the source every cloud test snapshots.</summary>
    private static async Task<EphemeralDatabase> SeedAsync(PostgresFixture postgres, CancellationToken ct)
    {
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var seed = new NpgsqlCommand(
            "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL); INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 100) g", connection);
        await seed.ExecuteNonQueryAsync(ct);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await fake.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}

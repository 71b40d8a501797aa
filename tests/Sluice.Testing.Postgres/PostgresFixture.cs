using Npgsql;
using Sluice.Errors;
using Sluice.Postgres.Binaries;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;
using Xunit;

namespace Sluice.Testing.Postgres;

/// <summary>
/// One throwaway PostgreSQL cluster for a whole test run, a template database prepared once, and a fresh clone of it
/// per test in milliseconds. Register it with <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c> and take it
/// in a test class's constructor.
/// <para>When PostgreSQL's binaries are missing the fixture fails with the install command: a database test that
/// silently skips is a test that silently stopped testing.</para>
/// <para>Subclass it and override <see cref="PrepareTemplateAsync"/> to load a schema or seed data into the template.</para>
/// </summary>
public class PostgresFixture : IAsyncLifetime
{
    /// <summary>The template every <see cref="CreateDatabaseAsync"/> clones.</summary>
    public const string TemplateName = "sluice_template";

    private readonly PostgresBinaryFinder? _finder;
    private LocalCluster? _cluster;

    /// <summary>Finds PostgreSQL the usual way (<c>SLUICE_PG_BIN</c>, <c>pg_config</c>, Debian's layout, <c>PATH</c>).</summary>
    public PostgresFixture()
    {
    }

    /// <summary>Finds PostgreSQL with <paramref name="finder"/>, for subclasses that pin the binaries.</summary>
    protected PostgresFixture(PostgresBinaryFinder finder) => _finder = finder;
    private EphemeralDatabases? _databases;

    /// <summary>The run's cluster (started).</summary>
    public LocalCluster Cluster => _cluster ?? throw NotStarted();

    /// <summary>A superuser connection string to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => Cluster.ConnectionString();

    /// <summary>The factory behind <see cref="CreateDatabaseAsync"/>, for empty databases, other templates and sweeps.</summary>
    public EphemeralDatabases Databases => _databases ?? throw NotStarted();

    public virtual async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        PostgresToolchain toolchain;
        try
        {
            toolchain = await PostgresToolchain.DetectAsync(timeout.Token, finder: _finder);
        }
        catch (SluiceException e)
        {
            // Test runners print only the message: put the install command in it, and fail rather than skip.
            throw new InvalidOperationException($"the PostgreSQL test fixture cannot run: {e}", e);
        }
        _cluster = await LocalCluster.StartEphemeralAsync(toolchain, timeout.Token, ServerSettings);
        _databases = new EphemeralDatabases(_cluster.ConnectionString());
        await CreateTemplateAsync(timeout.Token);
    }

    /// <summary>A fresh clone of the template; dispose it (<c>await using</c>) to drop it.</summary>
    public Task<EphemeralDatabase> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        Databases.CloneAsync(TemplateName, cancellationToken);

    /// <summary>An empty database; dispose it to drop it.</summary>
    public Task<EphemeralDatabase> CreateEmptyDatabaseAsync(CancellationToken cancellationToken) =>
        Databases.CreateEmptyAsync(cancellationToken);

    /// <summary>Extra <c>postgresql.conf</c> settings for the cluster (a subclass that needs the server's csvlog, say); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string>? ServerSettings => null;

    /// <summary>Loads what every test's database should start with. The connection is closed afterwards and the
    /// template is locked against connections, so clones never fail because of it.</summary>
    protected virtual Task PrepareTemplateAsync(NpgsqlConnection template, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private async Task CreateTemplateAsync(CancellationToken cancellationToken)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateName}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // Unpooled: a pooled idle connection would stay attached to the template and make every clone fail.
        var templateConnection = new NpgsqlConnectionStringBuilder(Cluster.ConnectionString(TemplateName)) { Pooling = false }.ConnectionString;
        await using (var template = new NpgsqlConnection(templateConnection))
        {
            await template.OpenAsync(cancellationToken);
            await PrepareTemplateAsync(template, cancellationToken);
        }

        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var seal = new NpgsqlCommand($"ALTER DATABASE {TemplateName} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", admin);
            await seal.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static InvalidOperationException NotStarted() =>
        new($"{nameof(PostgresFixture)} is not initialized; register it with [assembly: AssemblyFixture(typeof({nameof(PostgresFixture)}))]");
}

using Sluice.Environments;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Environments;
using Sluice.Secrets;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>A repository root with one plan (add a column to orders) and an <c>rds</c> environment <c>production</c>
/// pointing at the fake.</summary>
internal sealed class RdsRepository : IDisposable
{
    private readonly RdsFakeEnvironment _env;
    private readonly string _variable = $"SLUICE_TEST_RDS_{Guid.NewGuid():N}";
    private readonly bool _rehearseOnCopy;

    public RdsRepository(RdsFakeEnvironment env, bool rehearseOnCopy = false)
    {
        _env = env;
        Root = Directory.CreateTempSubdirectory("rds-promote-").FullName;
        var plan = Path.Combine(Root, "pipelines", "shop", "migrations", "0001_add_note");
        Directory.CreateDirectory(plan);
        File.WriteAllText(Path.Combine(plan, "plan.yaml"), """
            id: 0001_add_note
            owner: team-shop
            risk: low
            description: Add a note to orders.
            max_partial_state: 1d
            phases:
              - name: add_note
                kind: expand
                up: 01_add_note.up.sql
                down: 01_add_note.down.sql
                verify: 01_add_note.verify.sql
                lock_timeout: 1s
                statement_timeout: 5s
            """);
        File.WriteAllText(Path.Combine(plan, "01_add_note.up.sql"), "ALTER TABLE public.orders ADD COLUMN IF NOT EXISTS note text;\n");
        File.WriteAllText(Path.Combine(plan, "01_add_note.down.sql"), "ALTER TABLE public.orders DROP COLUMN IF EXISTS note;\n");
        // True only where the note column and the source's orders are: on a restored copy, never on an empty schema.
        File.WriteAllText(Path.Combine(plan, "01_add_note.verify.sql"),
            "SELECT count(*) >= 100 FROM public.orders WHERE note IS NULL;\n");
        _rehearseOnCopy = rehearseOnCopy;
        Environment.SetEnvironmentVariable(_variable, env.Database.ConnectionString);
    }

    public string Root { get; }

    public async Task<IEnvironmentSession> OpenAsync(CancellationToken ct)
    {
        var spec = EnvironmentSpecReader.Read($$"""
            {
              "provider": "rds",
              "connection_string_variable": "{{_variable}}",
              "order": 1,
              "cloud": { "instance": "{{RdsFakeEnvironment.Instance}}", "region": "{{FakeRds.Region}}", "endpoint": "{{_env.Fake.Endpoint}}", "operation_timeout": "1m", "rehearse_on_copy": {{(_rehearseOnCopy ? "true" : "false")}} }
            }
            """);
        var plans = ServicePlans.Load(Path.Combine(Root, "pipelines"), "shop");
        var request = new EnvironmentSessionRequest("production", spec, Root, null, "shop", () => plans,
            new RunnerIdentity("tester", "ci", null), new CollectedSecrets(), KeepsSnapshots: true);
        var provider = new PostgresSessionProvider(null, [_env.Snapshots()]);
        return await provider.OpenAsync(request, ct);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The run's secrets as a build keeps them: added as they become known, masked in every text.</summary>
internal sealed class CollectedSecrets : IRunSecrets
{
    private readonly List<string> _secrets = [];

    public void Add(string secret) => _secrets.Add(secret);

    public string Redact(string text) => new SecretValues(_secrets).Redact(text);
}

/// <summary>A test's whole RDS set-up: the fake world, the repository, a session on it and the environment's lease, held
/// until disposed (in reverse).</summary>
internal sealed class LeasedRdsSession(RdsFakeEnvironment env, RdsRepository repository, IEnvironmentSession session, IEnvironmentLease lease)
    : IAsyncDisposable
{
    public RdsFakeEnvironment Env => env;

    public IEnvironmentSession Session => session;

    public static async Task<LeasedRdsSession> StartAsync(PostgresFixture postgres, bool rehearseOnCopy, CancellationToken ct)
    {
        var world = await RdsFakeEnvironment.StartAsync(postgres, ct);
        var root = new RdsRepository(world, rehearseOnCopy);
        var opened = await root.OpenAsync(ct);
        return new LeasedRdsSession(world, root, opened, await opened.AcquireLeaseAsync(ct));
    }

    public async ValueTask DisposeAsync()
    {
        await lease.DisposeAsync();
        await session.DisposeAsync();
        repository.Dispose();
        await env.DisposeAsync();
    }
}

using Sluice.Fingerprints;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Secrets;
using Sluice.Snapshots;

namespace Sluice.Environments;

/// <summary>Opens a run's <see cref="IEnvironmentSession"/> (a provider per kind of database: Sluice.Postgres's for
/// PostgreSQL), and resolves environments for what acts outside a session (Provision, Teardown, Diff).</summary>
public interface IEnvironmentSessionProvider
{
    /// <summary>Resolves the environment, provisioning it when needed, registers its secrets and opens the session.</summary>
    Task<IEnvironmentSession> OpenAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken);

    /// <summary>The environment's database without opening anything (Provision and Teardown act on it directly).</summary>
    IDatabaseEnvironment Resolve(EnvironmentSessionRequest request);

    /// <summary>The environment's connection string, provisioned and registered as a secret: only for what works on a
    /// database outside any session (Diff's two sides, a repository's own seeding step).</summary>
    Task<string> ConnectionStringAsync(EnvironmentSessionRequest request, CancellationToken cancellationToken);

    /// <summary>Compares two databases down to the differing keys (Diff); both connection strings' secrets are
    /// registered before anything parses them.</summary>
    Task<DiffReport> DiffAsync(string source, string target, DiffOptions options, IRunSecrets secrets, CancellationToken cancellationToken);

    /// <summary>Where a database is, without credentials (<c>127.0.0.1:5433/shop</c>).</summary>
    string Describe(string connectionString);
}

/// <summary>What a session is opened for.</summary>
/// <param name="Environment">The environment's name (<c>--env</c>).</param>
/// <param name="Spec">Its definition (validated), or null for the embedded local default.</param>
/// <param name="Root">The repository root (holds <c>.nuke/</c> and <c>.sluice/</c>).</param>
/// <param name="DatabaseOverride">The secret <c>--database</c> value, if given.</param>
/// <param name="ServiceName">The service shipped; names the default database.</param>
/// <param name="Plans">The service's plans, loaded once (asked for only when the session's plans are used).</param>
/// <param name="By">Who runs.</param>
/// <param name="Secrets">Where the run's secrets are registered (the connection string and its password) and redacted.</param>
/// <param name="SnapshotFormat">How snapshots are taken; null for the default (custom).</param>
/// <param name="KeepsSnapshots">The build takes snapshots (Promote takes one where the snapshot gate applies).</param>
/// <param name="CodeReviews">Approvals from a code-review system for the service's plans, when the environment's
/// <c>gates.approvals_from</c> takes them (<see cref="Gates.GateSources.CodeReviews"/>); opened with the session.</param>
public sealed record EnvironmentSessionRequest(
    string Environment,
    EnvironmentSpec? Spec,
    string Root,
    string? DatabaseOverride,
    string? ServiceName,
    Func<ServicePlans> Plans,
    RunnerIdentity By,
    IRunSecrets Secrets,
    SnapshotFormat? SnapshotFormat = null,
    bool KeepsSnapshots = false,
    Func<ServicePlans, Gates.IApprovalSource>? CodeReviews = null)
{
    /// <summary>The definition in effect: the given one, or the embedded local default.</summary>
    public EnvironmentSpec EffectiveSpec => Spec ?? EnvironmentSpec.LocalDefault;

    /// <summary>The embedded default or a <c>local</c> definition, and no <c>--database</c> pointing elsewhere: a
    /// cluster on this machine, which a restore may replace and a template snapshot may copy.</summary>
    public bool IsLocal => string.IsNullOrEmpty(DatabaseOverride) && EffectiveSpec.Provider == EnvironmentProviderKind.Local;

    /// <summary>Where the definition lives, relative to the root.</summary>
    public string SpecFile => EnvironmentCatalog.SpecFile(Environment);
}

using System.Text.Json;
using Sluice.Build;
using Sluice.Environments;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Environments;
using Sluice.Postgres.Rehearsal;
using Sluice.Postgres.Releases;
using Sluice.Releases;
using Sluice.Snapshots;

namespace Sluice.Targets;

/// <summary>Builds a <see cref="PromoteRequest"/> from the command line: the environment's definition, the configured
/// environments earlier in the promotion order, and where gates read evidence.</summary>
public static class ReleaseAccess
{
    public static MigrationRequest Migration(ISluiceComponent build, string? migration = null, TimeSpan? timeBudget = null) =>
        new(Path.Combine(build.Root, build.Pipelines), build.Service, build.Env, migration, timeBudget,
            RunnerIdentity.FromEnvironment(EnvironmentRequest.ProcessVariables()));

    public static EnvironmentSpec Spec(ISluiceComponent build) => build.EnvironmentDefinition ?? EnvironmentSpec.LocalDefault;

    public static string SpecFile(ISluiceComponent build) => $".nuke/parameters.{build.Env}.json";

    /// <param name="connectionString">The environment's database, where rehearsals record their evidence.</param>
    public static PromoteRequest Request(ISluiceComponent build, PostgresReleaseDatabase database, string connectionString, MigrationRequest migration)
    {
        var spec = Spec(build);
        var order = OrderOf(build.Env, spec);
        var others = ConfiguredEnvironments(build.Root).Where(e => e.Name != build.Env).ToDictionary(e => e.Name, e => e.Spec);
        // The local environment is order 0 wherever it exists, defined or not: a release reaches it first. A machine
        // that never provisioned it (a CI runner promoting staging) is not held to it.
        var local = EnvironmentProfiles.DefaultEnvironment;
        if (build.Env != local && !others.ContainsKey(local) && Directory.Exists(Path.Combine(build.Root, ".sluice", local)))
            others[local] = EnvironmentSpec.LocalDefault;
        var earlier = others.Select(e => new EarlierEnvironment(e.Key, OrderOf(e.Key, e.Value)))
            .Where(e => e.Order < order).ToList();
        var history = new PostgresPromotionHistory(async (name, ct) =>
        {
            if (!others.TryGetValue(name, out var other)) return null;
            var connectionString = await PostgresEnvironments.CreateResolver(new HostLogger(build.Host))
                .Resolve(name, other, build.Root, null, serviceName: EnvironmentAccess.ServiceName(build)).GetConnectionStringAsync(ct);
            EnvironmentAccess.RegisterSecrets(build, connectionString);
            return connectionString;
        });
        IVerifiedSnapshotSource snapshots = build is ISnapshot
            ? new SnapshotCatalogSource(new SnapshotCatalog(SnapshotIds.DefaultFolder(build.Root, build.Env), build.Redactor()))
            : new NoSnapshotSource();
        return new PromoteRequest(migration, spec, earlier, database.Sources(history, snapshots, new PostgresRehearsalEvidenceSource(connectionString)), SpecFile(build));
    }

    /// <summary>An environment's place in the promotion order; local is 0 unless its definition says otherwise, any
    /// other environment without an <c>order</c> comes last.</summary>
    public static int OrderOf(string name, EnvironmentSpec spec) => spec.Order ?? (name == EnvironmentProfiles.DefaultEnvironment ? 0 : int.MaxValue);

    /// <summary>Every environment defined by a <c>.nuke/parameters.&lt;env&gt;.json</c> with an <c>environment</c> object.</summary>
    public static IReadOnlyList<(string Name, EnvironmentSpec Spec)> ConfiguredEnvironments(string root)
    {
        var folder = Path.Combine(root, ".nuke");
        if (!Directory.Exists(folder)) return [];
        var found = new List<(string, EnvironmentSpec)>();
        foreach (var file in Directory.EnumerateFiles(folder, "parameters.*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file)["parameters.".Length..^".json".Length];
            if (EnvironmentSpecReader.ReadFile(file, $".nuke/parameters.{name}.json") is { } spec) found.Add((name, spec));
        }
        return found;
    }
}

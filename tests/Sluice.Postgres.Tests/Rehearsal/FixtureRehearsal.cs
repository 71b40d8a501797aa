using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;
using Sluice.Tests;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Rehearses a service folder on the shared cluster, with the profile of its own seeded base schema.</summary>
internal static class FixtureRehearsal
{
    /// <summary>One workload of a fixed seed unless told otherwise: one run keeps the suite's time down, a fixed seed keeps it repeatable.</summary>
    public static readonly WorkloadOptions OneRun = new(Seed: 7);

    public static string Folder(string fixture) => Path.Combine(RepositoryFiles.Root, "tests", "Fixtures", "rehearsal", fixture);

    public static async Task<RehearsalReport> RehearseAsync(PostgresFixture postgres, string fixture, CancellationToken ct, WorkloadOptions? workload = null,
        IReadOnlySet<string>? appliedPlans = null)
    {
        using var scratch = new TempFolder("sluice-fx");
        var serviceFolder = WithSchema(fixture, scratch.Path);
        // The profile comes from the base schema's own seed rows, loaded in a scratch database.
        await using var source = await postgres.CreateDatabaseAsync(ct);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(serviceFolder, "schema"), "*.sql").Order(StringComparer.Ordinal))
            await TestSql.ExecuteAsync(source.ConnectionString, await File.ReadAllTextAsync(file, ct), ct);
        var profile = await PostgresProfiler.ReadAsync(source.ConnectionString, new ProfileOptions("staging"), ct);
        var service = new PostgresRehearsalService(postgres.Databases);
        return await service.RehearseAsync(new RehearsalRequest(serviceFolder, "staging", profile, appliedPlans ?? new HashSet<string>(), Workload: workload ?? OneRun), ct);
    }

    // A fixture without a schema/ folder of its own is rehearsed on the shared items table (items-schema/).
    private static string WithSchema(string fixture, string scratch)
    {
        if (Directory.Exists(Path.Combine(fixture, "schema"))) return fixture;
        var folder = Path.Combine(scratch, Path.GetFileName(fixture.TrimEnd('/')));
        Copy(Path.Combine(fixture, "migrations"), Path.Combine(folder, "migrations"));
        Copy(Folder("items-schema"), Path.Combine(folder, "schema"));
        return folder;
    }

    public static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

using Sluice.Tests;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// A pipelines folder under /tmp holding the shop sample plan, optionally edited (smaller batches, fewer phases) or
/// replaced by a small plan written by the test. Deleted at the end of the test.
/// </summary>
internal sealed class PlanCopy : IDisposable
{
    public const string Service = "shop";

    private PlanCopy()
    {
        Pipelines = Path.Combine(Path.GetTempPath(), $"sluice-pipes-{Guid.NewGuid():N}");
        Directory.CreateDirectory(MigrationsFolder);
    }

    public string Pipelines { get; }

    public string MigrationsFolder => Path.Combine(Pipelines, Service, "migrations");

    public string SampleFolder => Path.Combine(MigrationsFolder, "0001_split_customer_name");

    /// <summary>The sample plan, with each (old, new) replacement applied to plan.yaml.</summary>
    public static PlanCopy Sample(params (string Old, string New)[] edits)
    {
        var copy = new PlanCopy();
        Directory.CreateDirectory(copy.SampleFolder);
        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.SamplePlan))
            File.Copy(file, Path.Combine(copy.SampleFolder, Path.GetFileName(file)));
        var planFile = Path.Combine(copy.SampleFolder, "plan.yaml");
        var yaml = File.ReadAllText(planFile);
        foreach (var (old, replacement) in edits)
        {
            if (!yaml.Contains(old, StringComparison.Ordinal)) throw new ArgumentException($"the sample plan has no '{old}' to edit");
            yaml = yaml.Replace(old, replacement, StringComparison.Ordinal);
        }
        File.WriteAllText(planFile, yaml);
        return copy;
    }

    /// <summary>The sample plan with small batches (so a backfill takes many of them) and only its first phases.</summary>
    public static PlanCopy SampleUpToBackfill(int batchSize, params (string Old, string New)[] moreEdits) =>
        Sample([("initial_batch_size: 1000", $"initial_batch_size: {batchSize}"), ("min_batch_size: 100", $"min_batch_size: {batchSize}"),
            ("max_batch_size: 20000", $"max_batch_size: {batchSize}"), .. moreEdits]).WithoutPhasesFrom("index_last_name");

    /// <summary>An empty service folder for plans the test writes.</summary>
    public static PlanCopy Empty() => new();

    /// <summary>Plan 0009_purge: an expand adding orders.archived, then an irreversible contract deleting cancelled
    /// orders; with <paramref name="failAfterPurge"/>, a last phase that fails.</summary>
    public static PlanCopy Purge(bool failAfterPurge = false)
    {
        var plans = Empty();
        plans.Write("0009_purge", "plan.yaml", $"""
            id: 0009_purge
            owner: team-shop
            risk: low
            description: add an archive flag, purge cancelled orders for good{(failAfterPurge ? ", then a broken step" : "")}
            max_partial_state: 1h
            phases:
              - name: add_archived
                kind: expand
                up: add.sql
                down: drop.sql
              - name: purge_cancelled
                kind: contract
                up: purge.sql
                irreversible: true
            {(failAfterPurge ? "  - name: broken\n    kind: contract\n    up: broken.sql\n    down: drop.sql\n" : "")}
            """);
        plans.Write("0009_purge", "add.sql", "ALTER TABLE orders ADD COLUMN archived boolean;");
        plans.Write("0009_purge", "drop.sql", "ALTER TABLE orders DROP COLUMN IF EXISTS archived;");
        plans.Write("0009_purge", "purge.sql", "DELETE FROM orders WHERE status = 'cancelled';");
        plans.Write("0009_purge", "broken.sql", "SELECT 1 / 0;");
        return plans;
    }

    public PlanCopy WithoutPhasesFrom(string phase)
    {
        var planFile = Path.Combine(SampleFolder, "plan.yaml");
        var yaml = File.ReadAllText(planFile);
        File.WriteAllText(planFile, yaml[..yaml.IndexOf($"  - name: {phase}", StringComparison.Ordinal)]);
        return this;
    }

    public void Write(string planId, string file, string content)
    {
        Directory.CreateDirectory(Path.Combine(MigrationsFolder, planId));
        File.WriteAllText(Path.Combine(MigrationsFolder, planId, file), content);
    }

    public void Dispose()
    {
        if (Directory.Exists(Pipelines)) Directory.Delete(Pipelines, recursive: true);
    }
}

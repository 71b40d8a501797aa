using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

public sealed class PlanLoaderTests
{
    [Fact]
    public void The_sample_plan_loads_with_its_phases_defaults_and_backfill_block()
    {
        var plan = PlanLoader.Load(RepositoryFiles.SamplePlan);

        Assert.Equal("0001_split_customer_name", plan.Id);
        Assert.Equal(MigrationRisk.Medium, plan.Risk);
        Assert.Equal(TimeSpan.FromDays(2), plan.MaxPartialState);
        Assert.Equal(
            [("add_split_columns", PhaseKind.Expand), ("backfill_split_name", PhaseKind.Backfill), ("index_last_name", PhaseKind.Expand),
             ("read_split_name", PhaseKind.Switch), ("drop_full_name", PhaseKind.Contract)],
            plan.Phases.Select(p => (p.Name, p.Kind)));
        var index = plan.Phase("index_last_name");
        Assert.False(index.Transactional);
        Assert.Equal(MigrationPhase.DefaultRetries, index.Retries);
        Assert.Equal("customers.read_split_name", Assert.IsType<ScriptPhase>(plan.Phase("read_split_name")).Flag);
        Assert.Equal(MigrationPhase.DefaultLockTimeout, plan.Phase("read_split_name").LockTimeout);
        var backfill = Assert.IsType<BackfillPhase>(plan.Phase("backfill_split_name")).Backfill;
        Assert.Equal(("customers", "id", 1000, 100, 20000), (backfill.Table, backfill.Key, backfill.InitialBatchSize, backfill.MinBatchSize, backfill.MaxBatchSize));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backfill.TargetBatchTime);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.Phase("backfill_split_name").StatementTimeout);
        Assert.Matches("^[0-9a-f]{64}$", plan.Hash);
    }

    [Fact]
    public void The_hash_covers_plan_yaml_and_every_named_file_and_nothing_else()
    {
        using var scratch = new ScratchFolder();
        CopyFolder(RepositoryFiles.SamplePlan, Path.Combine(scratch.Path, Sample));
        var original = PlanLoader.Load(Path.Combine(scratch.Path, Sample)).Hash;

        scratch.Write($"{Sample}/notes.txt", "not named by the plan");
        Assert.Equal(original, PlanLoader.Load(Path.Combine(scratch.Path, Sample)).Hash);

        File.AppendAllText(Path.Combine(scratch.Path, Sample, "02_backfill.batch.sql"), "\n-- a comment is a change too\n");
        var afterSqlEdit = PlanLoader.Load(Path.Combine(scratch.Path, Sample)).Hash;
        Assert.NotEqual(original, afterSqlEdit);

        File.AppendAllText(Path.Combine(scratch.Path, Sample, "plan.yaml"), "\n# edited\n");
        Assert.NotEqual(afterSqlEdit, PlanLoader.Load(Path.Combine(scratch.Path, Sample)).Hash);
    }

    [Fact]
    public void Line_endings_do_not_change_the_hash()
    {
        using var scratch = new ScratchFolder();
        CopyFolder(RepositoryFiles.SamplePlan, Path.Combine(scratch.Path, Sample));
        var unix = PlanLoader.Load(Path.Combine(scratch.Path, Sample)).Hash;
        foreach (var file in Directory.EnumerateFiles(scratch.Path))
            File.WriteAllText(file, File.ReadAllText(file).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(unix, PlanLoader.Load(Path.Combine(scratch.Path, Sample)).Hash);
    }

    [Theory]
    [InlineData("unknown-plan-key", ErrorCodes.UnknownKey, "p1/plan.yaml", 6, "colour")]
    [InlineData("unknown-phase-key", ErrorCodes.UnknownKey, "p1/plan.yaml", 11, "lock_timout")]
    [InlineData("missing-file", ErrorCodes.MissingFile, "p1/plan.yaml", 10, "not_there.sql")]
    [InlineData("no-down", ErrorCodes.NoWayBack, "p1/plan.yaml", 11, "'drop' has no 'down'")]
    [InlineData("duplicate-phase", ErrorCodes.DuplicatePhase, "p1/plan.yaml", 11, "'add' appears twice")]
    [InlineData("id-not-folder-name", ErrorCodes.IdNotFolderName, "p1/plan.yaml", 1, "plan id 'same' differs from its folder name 'p1'")]
    [InlineData("contract-before-expand", ErrorCodes.ContractBeforeExpand, "p1/plan.yaml", 7, "'drop' comes before expand phase 'add'")]
    [InlineData("bad-duration", ErrorCodes.BadDuration, "p1/plan.yaml", 5, "'2 hours'")]
    [InlineData("bad-risk", ErrorCodes.BadValue, "p1/plan.yaml", 3, "'extreme'")]
    [InlineData("invalid-yaml", ErrorCodes.NotYaml, "p1/plan.yaml", 9, "not valid YAML")]
    [InlineData("backfill-without-block", ErrorCodes.BadBackfill, "p1/plan.yaml", 11, "no 'backfill:' block")]
    [InlineData("flag-on-expand", ErrorCodes.BadFlag, "p1/plan.yaml", 9, "not a switch phase")]
    [InlineData("missing-owner", ErrorCodes.MissingKey, "p1/plan.yaml", 1, "no 'owner'")]
    [InlineData("misspelt-plan-key", ErrorCodes.UnknownKey, "p1/plan.yaml", 6, "unknown key 'phaes'")]
    [InlineData("misspelt-backfill-key", ErrorCodes.UnknownKey, "p1/plan.yaml", 16, "unknown key 'bacth'")]
    [InlineData("transaction-in-transactional-phase", ErrorCodes.TransactionControl, "p1/up.sql", 4, "(COMMIT)")]
    [InlineData("transaction-left-open", ErrorCodes.TransactionLeftOpen, "p1/up.sql", 2, "(BEGIN) and never ends it")]
    [InlineData("hook-without-revert", ErrorCodes.HookWithoutRevert, "p1/plan.yaml", 13, "has no revert, and the phase has a down")]
    [InlineData("hook-inline-secret", ErrorCodes.HookSecret, "p1/plan.yaml", 17, "header 'Authorization'")]
    [InlineData("cluster-statement", ErrorCodes.ClusterStatement, "p1/up.sql", 4, "(DROP DATABASE IF)")]
    [InlineData("duration-too-long", ErrorCodes.BadDuration, "p1/plan.yaml", 5, "'99999999999999d'")]
    [InlineData("unclosed-brace", ErrorCodes.NotYaml, "p1/plan.yaml", 11, "not valid YAML")]
    public void A_broken_plan_is_rejected_with_its_code_file_line_and_a_remedy(string folder, string code, string file, int line, string mentions)
    {
        var error = Assert.Throws<SluiceException>(() => ServicePlans.LoadMigrations(Path.Combine(RepositoryFiles.BadPlans, folder)));

        Assert.Equal((ErrorKind.Usage, code), (error.Kind, error.Code));
        Assert.Equal(Path.Combine(RepositoryFiles.BadPlans, folder, file), error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains(mentions, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Remedy));
        Assert.StartsWith($"error {code}: ", error.Headline);
        Assert.EndsWith($"{file}:{line})", error.Headline);
    }

    [Theory]
    [InlineData("misspelt-plan-key", "phases")]
    [InlineData("unknown-phase-key", "lock_timeout")]
    [InlineData("misspelt-backfill-key", "batch")]
    public void A_misspelt_key_at_any_level_is_named_with_the_closest_valid_key(string folder, string closest)
    {
        var error = Assert.Throws<SluiceException>(() => ServicePlans.LoadMigrations(Path.Combine(RepositoryFiles.BadPlans, folder)));

        Assert.Equal(ErrorCodes.UnknownKey, error.Code);
        Assert.StartsWith($"did you mean '{closest}'? ", error.Remedy);
    }

    [Fact]
    public void Every_broken_plan_folder_has_a_test_case()
    {
        var cases = typeof(PlanLoaderTests).GetMethod(nameof(A_broken_plan_is_rejected_with_its_code_file_line_and_a_remedy))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>().Select(a => (string)a.Data[0]!).Order();
        Assert.Equal(Directory.EnumerateDirectories(RepositoryFiles.BadPlans).Select(Path.GetFileName).Order(), cases);
    }

    [Fact]
    public void A_batch_that_ignores_its_key_range_is_rejected()
    {
        using var scratch = new ScratchFolder();
        CopyFolder(RepositoryFiles.SamplePlan, Path.Combine(scratch.Path, Sample));
        scratch.Write($"{Sample}/02_backfill.batch.sql", "UPDATE customers SET first_name = shop_first_name(full_name)");

        var error = Assert.Throws<SluiceException>(() => PlanLoader.Load(Path.Combine(scratch.Path, Sample)));
        Assert.Equal(ErrorCodes.BadBackfill, error.Code);
        Assert.Contains("@lower", error.Message);
    }

    [Fact]
    public void A_file_outside_the_plan_folder_is_rejected()
    {
        using var scratch = new ScratchFolder();
        CopyFolder(RepositoryFiles.SamplePlan, Path.Combine(scratch.Path, Sample));
        var yaml = File.ReadAllText(Path.Combine(scratch.Path, Sample, "plan.yaml"));
        scratch.Write($"{Sample}/plan.yaml", yaml.Replace("down: 04_read_split_name.down.sql", "down: ../../secrets.sql", StringComparison.Ordinal));

        var error = Assert.Throws<SluiceException>(() => PlanLoader.Load(Path.Combine(scratch.Path, Sample)));
        Assert.Equal((ErrorCodes.MissingFile, 47), (error.Code, error.Line));
        Assert.Contains("outside the plan folder", error.Message);
    }

    /// <summary>The sample plan's folder name, which its id must equal wherever it is copied.</summary>
    private const string Sample = "0001_split_customer_name";

    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}

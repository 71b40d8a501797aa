using System.Diagnostics;
using CsCheck;
using Sluice.Migrations.Plans;
using Sluice.Testing.Mutations;

namespace Sluice.Tests.Properties;

/// <summary>Random damage to the sample plan (plan.yaml and the SQL files it names) never crashes the loader.</summary>
public sealed class PlanLoaderProperties
{
    private static readonly string[] SqlFiles = Directory.EnumerateFiles(RepositoryFiles.SamplePlan, "*.sql").Select(Path.GetFileName).OfType<string>().Order().ToArray();

    /// <summary>Mostly plan.yaml; now and then a SQL file mutated, emptied or deleted.</summary>
    private static readonly Gen<(int Target, int Sql, Mutation[] Mutations)> Cases =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, SqlFiles.Length - 1], Mutations.Some);

    [Fact]
    public void A_mutated_plan_loads_or_fails_with_a_code_file_and_line()
    {
        var clock = Stopwatch.StartNew();
        Cases.Sample(c =>
        {
            using var scratch = new ScratchFolder();
            PlanLoaderTests.CopyFolder(RepositoryFiles.SamplePlan, scratch.Path);
            var file = Path.Combine(scratch.Path, c.Target <= 7 ? PlanLoader.PlanFileName : SqlFiles[c.Sql]);
            if (c.Target == 9) File.Delete(file);
            else File.WriteAllBytes(file, Mutation.ApplyAll(File.ReadAllText(file), c.Mutations, c.Target <= 7 ? Dialect.Yaml : Dialect.Json));

            LoaderContract.LoadsOrFailsCleanly(() => PlanLoader.Load(scratch.Path), LoaderContract.Lines);
        }, seed: Mutations.Seed, iter: Mutations.Cases);
        TestContext.Current.SendDiagnosticMessage($"{Mutations.Cases} mutated plans in {clock.Elapsed.TotalSeconds:F1} s");
    }
}

using CsCheck;
using Sluice.Migrations.Plans;
using Sluice.Testing.Mutations;

namespace Sluice.Tests.Properties;

/// <summary>Random damage to the sample plan (plan.yaml and the SQL files it names) never crashes the loader.</summary>
public sealed class PlanLoaderProperties : IDisposable
{
    private static readonly string[] SqlFiles = Directory.EnumerateFiles(RepositoryFiles.SamplePlan, "*.sql").Select(Path.GetFileName).OfType<string>().Order().ToArray();

    /// <summary>Mostly plan.yaml; now and then a SQL file mutated, emptied or deleted.</summary>
    private static readonly Gen<(int Target, int Sql, Mutation[] Mutations)> Cases =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, SqlFiles.Length - 1], Mutations.Some);

    // One copy of the plan per worker thread: a case damages one file and puts it back, instead of copying the folder.
    private readonly ThreadLocal<ScratchFolder> _copies = new(() =>
    {
        var scratch = new ScratchFolder();
        PlanLoaderTests.CopyFolder(RepositoryFiles.SamplePlan, scratch.Path);
        return scratch;
    }, trackAllValues: true);

    public void Dispose()
    {
        foreach (var copy in _copies.Values) copy.Dispose();
        _copies.Dispose();
    }

    [Fact]
    public void A_mutated_plan_loads_or_fails_with_a_code_file_and_line()
    {
        var outcomes = new Outcomes();
        Mutations.Check(Cases, c =>
        {
            var folder = _copies.Value!.Path;
            var name = c.Target <= 7 ? PlanLoader.PlanFileName : SqlFiles[c.Sql];
            var file = Path.Combine(folder, name);
            var original = File.ReadAllText(Path.Combine(RepositoryFiles.SamplePlan, name));
            try
            {
                if (c.Target == 9) File.Delete(file);
                else File.WriteAllBytes(file, Mutation.ApplyAll(original, c.Mutations, c.Target <= 7 ? Dialect.Yaml : Dialect.Json));
                outcomes.Count(LoaderContract.LoadsOrFailsCleanly(() => PlanLoader.Load(folder), LoaderContract.Lines));
            }
            finally
            {
                File.WriteAllText(file, original);
            }
        });
        TestContext.Current.TestOutputHelper?.WriteLine(outcomes.Summary("mutated plans"));
    }
}

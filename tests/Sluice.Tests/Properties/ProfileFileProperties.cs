using System.Text;
using CsCheck;
using Sluice.Rehearsal.Profiles;
using Sluice.Testing.Mutations;

namespace Sluice.Tests.Properties;

/// <summary>Random damage to a data profile never crashes its reader, and a profile that loads has no holes.</summary>
public sealed class ProfileFileProperties
{
    private static readonly string Valid = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "tests", "Fixtures", "profiles", "shop.json"));

    [Fact]
    public void The_valid_profile_loads()
    {
        var profile = ProfileFile.FromJson(Valid, "shop.json");
        Assert.Equal(600000, profile.TotalRows);
    }

    [Fact]
    public void A_mutated_profile_loads_whole_or_fails_with_a_code_file_and_line()
    {
        var outcomes = new Outcomes();
        Mutations.Check(Mutations.Some, mutations =>
        {
            var bytes = Mutation.ApplyAll(Valid, mutations, Dialect.Json);
            var text = new UTF8Encoding(false).GetString(bytes);
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r').Length;
            var outcome = LoaderContract.LoadsOrFailsCleanly(() =>
            {
                var profile = ProfileFile.FromJson(text, "profile.json");
                // What loads is used without further checks: no list or name may be missing.
                Assert.All(profile.Tables, t =>
                {
                    Assert.NotNull(t.Name);
                    Assert.All(t.Columns, c => Assert.NotNull(c.MostCommon));
                    Assert.NotNull(t.ForeignKeys);
                });
            }, _ => lines);
            outcomes.Count(outcome);
        });
        TestContext.Current.TestOutputHelper?.WriteLine(outcomes.Summary("mutated profiles"));
    }
}

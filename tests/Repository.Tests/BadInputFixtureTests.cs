using Sluice.Testing.Mutations;

namespace Repository.Tests;

/// <summary>
/// The catalogue of broken inputs (<c>tests/Fixtures/bad-*/</c>): every fixture declares its code and line, the
/// environment fixtures are run through the real build as a process, and together they cover enough kinds of
/// mistake to matter. The other families run in their own projects' tests (Sluice.Tests, Sluice.Build.Tests).
/// </summary>
public sealed class BadInputFixtureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Fixtures => Path.Combine(RepositoryRoot.Path, "tests", "Fixtures");

    private static IEnumerable<string> Families => Directory.EnumerateDirectories(Fixtures, "bad-*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static TheoryData<string> Environments => [.. BadInput.Of(RepositoryRoot.Path, "bad-environments").Select(f => f.Kind)];

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task A_bad_environment_file_exits_2_naming_its_code_file_and_line(string kind)
    {
        var fixture = BadInput.Of(RepositoryRoot.Path, "bad-environments").Single(f => f.Kind == kind);
        using var root = new ThrowawayRoot("sluice-bad-env-", withPipelines: false);
        File.Copy(Path.Combine(fixture.Folder, "parameters.staging.json"), Path.Combine(root.Path, ".nuke", "parameters.staging.json"));

        var run = await root.BuildAsync("Provision --env staging", Ct);

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}");
        Assert.Contains($"error {fixture.Code}: ", run.Output);
        Assert.Contains($"({fixture.File}:{fixture.Line})", run.Output);
        Assert.Contains(fixture.Mentions, run.Output);
        Assert.Contains("remedy:", run.Output);
        Assert.False(Directory.Exists(Path.Combine(root.Path, ".sluice")), "something was provisioned");
    }

    [Fact]
    public void Every_fixture_folder_declares_its_code_and_line()
    {
        foreach (var family in Families)
        foreach (var folder in Directory.EnumerateDirectories(Path.Combine(Fixtures, family)))
        {
            Assert.True(File.Exists(Path.Combine(folder, BadInput.ExpectedFile)), $"{folder} has no {BadInput.ExpectedFile}");
            var fixture = BadInput.Read(folder);
            Assert.Matches("^SLU[0-9]{3}$", fixture.Code);
            Assert.True(fixture.Line >= 1, $"{fixture}: line {fixture.Line}");
        }
    }

    [Fact]
    public void The_fixtures_cover_at_least_30_kinds_of_mistake()
    {
        var fixtures = Families.SelectMany(f => BadInput.Of(RepositoryRoot.Path, f)).ToList();
        var codes = fixtures.Select(f => f.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{fixtures.Count} kinds, {codes.Count} codes: {string.Join(" ", codes)}");

        // A kind is a rule a fixture breaks: its folder, within its family. Codes group rules (SLU012 is every
        // provider mismatch), so the codes are fewer than the kinds.
        Assert.True(fixtures.Select(f => (f.Family, f.Kind)).Distinct().Count() >= 30, $"only {fixtures.Count} kinds");
        Assert.True(codes.Count >= 17, $"only {codes.Count} distinct codes: {string.Join(" ", codes)}");
    }
}

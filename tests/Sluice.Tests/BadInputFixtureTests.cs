using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Profiles;
using Sluice.Testing.Mutations;

namespace Sluice.Tests;

/// <summary>
/// The domain's families of <c>tests/Fixtures/bad-*/</c>: each fixture is rejected with the code, file and line its
/// <c>expected.txt</c> declares, and a remedy.
/// </summary>
public sealed class BadInputFixtureTests
{
    public static TheoryData<string, string> Fixtures =>
    [
        .. new[] { "bad-plans", "bad-profiles", "bad-service-configs" }
            .SelectMany(family => BadInput.Of(RepositoryFiles.Root, family).Select(f => (family, f.Kind))),
    ];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task A_bad_input_is_rejected_with_its_code_file_and_line(string family, string kind)
    {
        var fixture = BadInput.Of(RepositoryFiles.Root, family).Single(f => f.Kind == kind);
        var ct = TestContext.Current.CancellationToken;
        Func<Task> load = family switch
        {
            "bad-plans" => () => Task.FromResult(ServicePlans.LoadMigrations(fixture.Folder)),
            "bad-profiles" => () => ProfileFile.ReadAsync(Path.Combine(fixture.Folder, "profile.json"), ct),
            "bad-service-configs" => () => SensitiveColumns.LoadAsync(fixture.Folder, ct),
            _ => throw new InvalidOperationException($"no loader for {family}"),
        };

        var error = await Assert.ThrowsAsync<SluiceException>(load);

        Assert.Equal((ErrorKind.Usage, fixture.Code), (error.Kind, error.Code));
        Assert.Equal(Path.Combine(fixture.Folder, fixture.File), error.File);
        Assert.Equal(fixture.Line, error.Line);
        Assert.Contains(fixture.Mentions, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Remedy));
    }
}

using Sluice.Build;

namespace Sluice.Build.Tests;

/// <summary>The engine names no environment secret: the component marks which secret its <c>.Environment()</c> targets
/// read, and only those targets (and so only the CI jobs running them) get it.</summary>
public sealed class EnvironmentSecretsTests
{
    private sealed class MarkedBuild : SluiceBuild
    {
        [Parameter("How the environment is reached"), Secret(ReadByEnvironmentTargets = true)] public string? Dsn { get; set; }
        [Parameter("A token only Publish reads"), Secret] public string? Token { get; set; }
        [Parameter("Not secret")] public string? Database { get; set; }

        public Target Migrate => _ => _.Environment().Executes(() => { });
        public Target Publish => _ => _.ReadsSecrets(nameof(Token)).Executes(() => { });
        public Target Compile => _ => _.Executes(() => { });
    }

    private sealed class UnmarkedBuild : SluiceBuild
    {
        [Parameter("A connection string"), Secret] public string? Database { get; set; }

        public Target Migrate => _ => _.Environment().Executes(() => { });
    }

    [Fact]
    public void An_environment_target_reads_the_secrets_its_component_marks_and_no_other_target_does()
    {
        var catalog = TargetCatalog.Discover(new MarkedBuild());
        Assert.Equal(["Dsn"], catalog.Find("Migrate")!.Secrets);
        Assert.Equal(["Token"], catalog.Find("Publish")!.Secrets);
        Assert.Empty(catalog.Find("Compile")!.Secrets);
    }

    [Fact]
    public void A_secret_named_Database_is_not_special_to_the_engine()
    {
        Assert.Empty(TargetCatalog.Discover(new UnmarkedBuild()).Find("Migrate")!.Secrets);
    }
}

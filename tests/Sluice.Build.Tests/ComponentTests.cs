using Sluice.Build;

namespace Sluice.Build.Tests;

public interface ICompile : ISluiceBuild
{
    [Parameter("Build configuration")] string Configuration => this.Parameter<string>() ?? "Debug";

    List<string> Log { get; }

    Target Compile => _ => _.Description("Compiles").Executes(() => Log.Add($"compile {Configuration}"));
}

public interface ITest : ICompile
{
    Target Test => _ => _.DependsOn<ICompile>(x => x.Compile).Executes(() => Log.Add("test"));
}

public interface IPublish : ISluiceBuild
{
    List<string> Log { get; }

    Target Publish => _ => _.DependsOn<ITest>(x => x.Test).Executes(() => Log.Add("publish"));
}

public sealed class ComponentTests : IDisposable
{
    private readonly TestRoot _root = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class Composed : SluiceBuild, ITest, IPublish
    {
        public List<string> Log { get; } = [];
        public Target Smoke => _ => _.TriggeredBy<IPublish>(x => x.Publish).Executes(() => Log.Add("smoke"));
    }

    private sealed class Overriding : SluiceBuild, ITest
    {
        public List<string> Log { get; } = [];

        // Explicit implementation replaces the component's default target.
        Target ICompile.Compile => _ => _.Description("Compiles the special way").Executes(() => Log.Add("custom compile"));
    }

    [Fact]
    public async Task Components_bring_their_targets_and_reference_each_other_through_interfaces()
    {
        var run = await _root.RunAsync<Composed>("Publish --configuration Release", cancellationToken: Ct);
        Assert.Equal(ExitCode.Success, run.ExitCode);
        Assert.Equal(["compile Release", "test", "publish", "smoke"], ((Composed)run.Build).Log);
    }

    [Fact]
    public async Task An_explicit_interface_implementation_overrides_the_components_target()
    {
        var run = await _root.RunAsync<Overriding>("Test", cancellationToken: Ct);
        Assert.Equal(["custom compile", "test"], ((Overriding)run.Build).Log);
        var catalog = TargetCatalog.Discover(new Overriding());
        Assert.Equal("Compiles the special way", catalog.Find("Compile")!.Description);
    }

    [Fact]
    public void The_catalog_lists_the_class_targets_then_component_targets_with_resolved_relations()
    {
        var catalog = TargetCatalog.Discover(new Composed());
        Assert.Equal(["Smoke", "Compile", "Publish", "Test"], catalog.Targets.Select(t => t.Name));
        Assert.Equal(["Test"], catalog.Find("Publish")!.DependsOn);
        Assert.Equal(["Smoke"], catalog.Find("Publish")!.Triggers);
        Assert.Equal(typeof(ICompile), catalog.Find("Compile")!.DeclaredBy);
    }

    [Fact]
    public async Task A_component_parameter_falls_back_to_its_default()
    {
        var run = await _root.RunAsync<Composed>("Compile", cancellationToken: Ct);
        Assert.Equal(["compile Debug"], ((Composed)run.Build).Log);
    }
}

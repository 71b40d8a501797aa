namespace Sluice.Build.Tests;

/// <summary>Azure Pipelines leaves <c>$(NAME)</c> as text when no such variable exists; that text must never bind
/// over the value the environment's parameters file configures.</summary>
public sealed class UnexpandedMacroTests : IDisposable
{
    private readonly TestRoot _root = new();

    public void Dispose() => _root.Dispose();

    private sealed class Build : SluiceBuild
    {
        [Parameter("Connection string"), Secret] public string? Database { get; set; }
    }

    [Theory]
    [InlineData("Database", "$(DATABASE)")]
    [InlineData("SLUICE_DATABASE", "$(DATABASE)")]
    [InlineData("SLUICE_DATABASE", "$(sluice.database)")]
    public void An_unexpanded_macro_is_unset_and_the_configured_value_wins_with_a_warning(string variable, string macro)
    {
        _root.WithFile(".nuke/parameters.staging.json", "{ \"database\": \"Host=db;Database=shop\" }");
        var parameters = ParameterDescriptor.Discover(typeof(Build));
        var warnings = new List<string>();
        var sources = new ParameterSources(CommandLine.Parse([], parameters), new Dictionary<string, string> { [variable] = macro },
            [ParametersFile.Load(Path.Combine(_root.Path, ".nuke/parameters.staging.json"), ".nuke/parameters.staging.json")], warnings.Add);

        var raw = sources.Find(parameters.Single(p => p.Name == "Database"));

        Assert.Equal(["Host=db;Database=shop"], raw!.Texts);
        Assert.Contains(warnings, w => w.Contains("SLU135", StringComparison.Ordinal) && w.Contains(variable, StringComparison.Ordinal) && w.Contains(macro, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Host=$(HOST);Database=shop")] // a macro inside a longer value is the user's own text
    [InlineData("Host=db")]
    public void A_real_value_still_binds(string value)
    {
        var parameters = ParameterDescriptor.Discover(typeof(Build));
        var warnings = new List<string>();
        var sources = new ParameterSources(CommandLine.Parse([], parameters), new Dictionary<string, string> { ["SLUICE_DATABASE"] = value }, [], warnings.Add);
        Assert.Equal([value], sources.Find(parameters.Single(p => p.Name == "Database"))!.Texts);
        Assert.Empty(warnings);
    }
}

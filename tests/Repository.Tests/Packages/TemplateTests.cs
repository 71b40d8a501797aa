using Sluice.Migrations.Plans;

namespace Repository.Tests.Packages;

/// <summary>
/// <c>dotnet new sluice --service billing</c> from the packed template (issue 17, item 1), installed into a hive of
/// the test's own, in a folder outside the repository: the files it lays out, a plan the strict loader accepts, and a
/// build that restores Sluice only from a folder feed of the packed packages (NuGet's machine cache serves the
/// third-party packages, so nothing is downloaded) and runs, through build.sh and build.ps1 alike. Then the
/// bootstrappers' rebuild rules: a change to the service's own sources does not rebuild the build project, a change to
/// nuget.config or the build project does. The README's and docs/nuke.md's build classes compile against the packages.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class TemplateTests(PackedPackages packages) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly NewRepository _new = new("sluice-template-", "billing");

    private string Temp => _new.Temp;
    private string Repository => _new.Root;
    private string Feed => _new.Feed;

    private static readonly string[] LaidOut =
    [
        "build.sh", "build.ps1", "global.json", "nuget.config", ".gitignore", ".nuke/parameters.json",
        "build/_build.csproj", "build/Build.cs", "build/Pipelines.cs",
        "pipelines/billing/schema/0000_base.sql",
        "pipelines/billing/migrations/0001_add_item_note/plan.yaml",
        "pipelines/billing/migrations/0001_add_item_note/01_add_note.up.sql",
        "pipelines/billing/migrations/0001_add_item_note/01_add_note.down.sql",
        "pipelines/billing/migrations/0001_add_item_note/01_add_note.verify.sql",
    ];

    private Task NewRepositoryAsync() => _new.CreateAsync(packages, Ct);

    [Fact]
    public async Task It_lays_out_a_repository_for_the_service_whose_plan_loads()
    {
        await NewRepositoryAsync();

        foreach (var path in LaidOut)
            Assert.True(File.Exists(Path.Combine(Repository, path)), $"dotnet new sluice did not lay out {path}");
        // The bootstrappers are this repository's own, packed as they are.
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "build.sh")), File.ReadAllText(Path.Combine(Repository, "build.sh")));
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "build.ps1")), File.ReadAllText(Path.Combine(Repository, "build.ps1")));
        if (!OperatingSystem.IsWindows())
            Assert.True(File.GetUnixFileMode(Path.Combine(Repository, "build.sh")).HasFlag(UnixFileMode.UserExecute), "build.sh is not executable");

        var version = PackedPackages.Nuspec(packages.Files["Sluice.Targets"]).Descendants().First(e => e.Name.LocalName == "version").Value;
        Assert.Contains($"<PackageReference Include=\"Sluice.Targets\" Version=\"{version}\" />", File.ReadAllText(Path.Combine(Repository, "build", "_build.csproj")));
        Assert.Contains($"<add key=\"sluice\" value=\"{Feed}\" />", File.ReadAllText(Path.Combine(Repository, "nuget.config")));
        Assert.Contains("\"service\": \"billing\"", File.ReadAllText(Path.Combine(Repository, ".nuke", "parameters.json")));

        var plans = ServicePlans.Load(Path.Combine(Repository, "pipelines"), "billing");
        var plan = Assert.Single(plans.Plans);
        Assert.Equal("0001_add_item_note", plan.Id);
        Assert.Equal("team-billing", plan.Owner);
    }

    [Fact]
    public async Task Its_build_restores_from_the_packed_packages_runs_and_rebuilds_only_for_what_it_is_built_from()
    {
        await NewRepositoryAsync();
        var environment = OfflineRestore;

        var help = await ThrowawayRoot.RunAsync("bash", ["build.sh", "--help"], Repository, Ct, environment);
        Assert.True(help.ExitCode == 0, help.Output);
        foreach (var target in new[] { "Provision", "Migrate", "Status", "Snapshot", "Lint", "Gate", "Approve", "Rehearse", "Promote", "Rollback" })
            Assert.Contains($"  {target} ", help.Output);
        Assert.True(Directory.Exists(Path.Combine(Temp, "nuget-packages", "sluice.targets")), "Sluice.Targets was not restored from the feed");

        var lint = await ThrowawayRoot.RunAsync("bash", ["build.sh", "Lint"], Repository, Ct, environment);
        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Contains("no warnings or errors in 1 plan(s)", lint.Output);

        // The build was made once; the service's own sources, plans and docs do not make it stale.
        var properties = Path.Combine(Repository, ".nuke", "temp", "build.properties");
        var built = File.GetLastWriteTimeUtc(properties);
        Directory.CreateDirectory(Path.Combine(Repository, "src", "Billing"));
        File.WriteAllText(Path.Combine(Repository, "src", "Billing", "Invoice.cs"), "public sealed record Invoice(long Id);");
        File.WriteAllText(Path.Combine(Repository, "src", "Billing", "Billing.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        File.AppendAllText(Path.Combine(Repository, "pipelines", "billing", "schema", "0000_base.sql"), "\n-- a comment\n");
        Assert.Equal(0, (await ThrowawayRoot.RunAsync("bash", ["build.sh", "--help"], Repository, Ct, environment)).ExitCode);
        Assert.Equal(built, File.GetLastWriteTimeUtc(properties));

        // nuget.config is something the build is built from (a different feed may serve different packages).
        File.SetLastWriteTimeUtc(Path.Combine(Repository, "nuget.config"), DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(0, (await ThrowawayRoot.RunAsync("bash", ["build.sh", "--help"], Repository, Ct, environment)).ExitCode);
        Assert.NotEqual(built, File.GetLastWriteTimeUtc(properties));
    }

    [Fact]
    public async Task The_docs_build_classes_compile_against_the_packages_and_run()
    {
        await NewRepositoryAsync();
        var environment = OfflineRestore;
        var buildClass = Path.Combine(Repository, "build", "Build.cs");

        // README's example class: its Compile fails when dotnet build does (here a project that does not compile).
        File.WriteAllText(buildClass, "using Sluice.Build;\nusing Sluice.Targets;\n\n" + CodeBlockAfter("README.md", "<!-- readme-example -->"));
        File.WriteAllText(Path.Combine(Repository, "Broken.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework>" +
            "<EnableDefaultCompileItems>false</EnableDefaultCompileItems></PropertyGroup><ItemGroup><Compile Include=\"Broken.cs\" /></ItemGroup></Project>");
        File.WriteAllText(Path.Combine(Repository, "Broken.cs"), "class Broken { int M() => ; }");
        var compile = await ThrowawayRoot.RunAsync("bash", ["build.sh", "Compile"], Repository, Ct, environment);
        Assert.True(compile.ExitCode == 1, $"Compile of a broken project exited {compile.ExitCode}:\n{compile.Output}");
        Assert.Contains("Broken.cs", compile.Output);
        Assert.Contains("dotnet build", compile.Output);

        // docs/nuke.md's build: Sluice's release targets added to a NUKE-style build in at most 30 lines.
        var nuke = CodeBlockAfter(Path.Combine("docs", "nuke.md"), "<!-- nuke-example -->");
        Assert.True(nuke.Split('\n').Length <= 30, $"docs/nuke.md's example has {nuke.Split('\n').Length} lines");
        File.WriteAllText(buildClass, nuke);
        var help = await ThrowawayRoot.RunAsync("bash", ["build.sh", "--help"], Repository, Ct, environment);
        Assert.True(help.ExitCode == 0, help.Output);
        foreach (var target in new[] { "Compile", "Test", "Release", "Promote", "Rollback" })
            Assert.Contains($"  {target} ", help.Output);
    }

    [Fact]
    public async Task Build_ps1_follows_the_same_rules_and_shares_the_stamp_with_build_sh()
    {
        await NewRepositoryAsync();
        var environment = OfflineRestore;
        // PowerShell as the .NET global tool, pinned, into the test's own folder (7.7 may want a later .NET).
        var tools = Path.Combine(Temp, "tools");
        var install = await ThrowawayRoot.RunAsync("dotnet", ["tool", "install", "PowerShell", "--version", "7.6.9", "--tool-path", tools], Temp, Ct);
        Assert.True(install.ExitCode == 0, install.Output);
        var pwsh = Path.Combine(tools, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");

        var lint = await ThrowawayRoot.RunAsync(pwsh, ["-NoProfile", "-File", "build.ps1", "Lint"], Repository, Ct, environment);
        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Contains("no warnings or errors in 1 plan(s)", lint.Output);

        // build.sh reads the stamp build.ps1 wrote and finds nothing stale; neither does build.ps1 after a service change.
        var log = Path.Combine(Repository, ".nuke", "temp", "build.log");
        var built = File.GetLastWriteTimeUtc(log);
        Assert.Equal(0, (await ThrowawayRoot.RunAsync("bash", ["build.sh", "--help"], Repository, Ct, environment)).ExitCode);
        Directory.CreateDirectory(Path.Combine(Repository, "src"));
        File.WriteAllText(Path.Combine(Repository, "src", "Invoice.cs"), "public sealed record Invoice(long Id);");
        Assert.Equal(0, (await ThrowawayRoot.RunAsync(pwsh, ["-NoProfile", "-File", "build.ps1", "--help"], Repository, Ct, environment)).ExitCode);
        Assert.Equal(built, File.GetLastWriteTimeUtc(log));

        // A change to the build project is seen by build.ps1 too.
        File.AppendAllText(Path.Combine(Repository, "build", "Build.cs"), "\n// changed\n");
        Assert.Equal(0, (await ThrowawayRoot.RunAsync(pwsh, ["-NoProfile", "-File", "build.ps1", "--help"], Repository, Ct, environment)).ExitCode);
        Assert.NotEqual(built, File.GetLastWriteTimeUtc(log));
    }

    /// <summary>The body of the first fenced code block after a marker line in a file of the repository.</summary>
    private static string CodeBlockAfter(string file, string marker)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, file));
        var start = Array.IndexOf(lines, marker);
        Assert.True(start >= 0 && lines[start + 1].StartsWith("```", StringComparison.Ordinal), $"{file} has no code block after {marker}");
        var end = Array.FindIndex(lines, start + 2, l => l.StartsWith("```", StringComparison.Ordinal));
        return string.Join('\n', lines[(start + 2)..end]) + "\n";
    }

    private Dictionary<string, string> OfflineRestore => _new.OfflineRestore;

    public void Dispose() => _new.Dispose();
}

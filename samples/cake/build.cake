// Sluice's services from a plain Cake script: no Sluice engine, just the libraries. Paths are relative to this file.
//   ./build.sh Compile && dotnet tool restore
//   dotnet cake samples/cake/build.cake --target=Plans
//   dotnet cake samples/cake/build.cake --target=Migrate --database="Host=...;Database=..."   (or SLUICE_DATABASE)
//   dotnet cake samples/cake/build.cake --target=Status  --database="..."
//
// Cake 7 ships Microsoft.Extensions.Logging.Abstractions 8 while Npgsql 10 needs 10, so Sluice is loaded into an
// AssemblyLoadContext of its own and called through Sluice.Postgres.Scripting.ScriptServices, whose signatures use
// only strings, numbers and tasks.
using System.Reflection;
using System.Runtime.Loader;

var target = Argument("target", "Plans");
var pipelines = MakeAbsolute(Directory(Argument("pipelines", "../../pipelines"))).FullPath;
var service = Argument<string>("service", null);
var environment = Argument("env", "local");
var timeBudget = Argument<string>("time-budget", null);
var database = Argument<string>("database", null) ?? EnvironmentVariable("SLUICE_DATABASE");
var bin = MakeAbsolute(Directory(Argument("sluice-bin", "../../artifacts/bin/_build/debug"))).FullPath;

var services = new SluiceLoadContext(bin)
    .LoadFromAssemblyPath(System.IO.Path.Combine(bin, "Sluice.Postgres.dll"))
    .GetType("Sluice.Postgres.Scripting.ScriptServices", throwOnError: true);

object Call(string method, params object[] arguments)
{
    try
    {
        return services.GetMethod(method).Invoke(null, arguments);
    }
    catch (TargetInvocationException e)
    {
        // Sluice's message already reads "error SLU0xx: what (file:line)" plus a remedy.
        throw new CakeException(2, e.InnerException?.Message ?? e.Message);
    }
}

string RequireDatabase() => string.IsNullOrEmpty(database)
    ? throw new CakeException(2, "pass --database or set SLUICE_DATABASE")
    : database;

Task("Plans")
    .Description("Loads and validates every migration plan of the service")
    .Does(() => Information((string)Call("DescribePlans", pipelines, service)));

Task("Migrate")
    .Description("Runs the pending phases on --database; exit code 4 when --time-budget ran out (run again)")
    .IsDependentOn("Plans")
    .Does(async () =>
    {
        TimeSpan? budget = timeBudget is null ? null : TimeSpan.Parse(timeBudget);
        var (exitCode, summary) = await (Task<(int, string)>)Call("MigrateAsync", RequireDatabase(), pipelines, service, environment, budget);
        Information(summary);
        if (exitCode != 0) throw new CakeException(exitCode, "incomplete: run again to continue");
    });

Task("Status")
    .Description("Prints where every plan stands in the journal of --database")
    .Does(async () => Information(await (Task<string>)Call("StatusAsync", RequireDatabase(), pipelines, service, environment)));

RunTarget(target);

/// <summary>Resolves Sluice and its dependencies (Npgsql, Microsoft.Extensions.Logging 10, YamlDotNet) from its own folder.</summary>
sealed class SluiceLoadContext : AssemblyLoadContext
{
    private readonly string[] _folders;

    // Sluice's build output, then the ASP.NET Core shared framework of this runtime: Sluice.Traffic (the local canary
    // router, YARP) references that framework, so the assemblies it carries (Microsoft.Extensions.*) are not copied
    // beside Sluice's and must not come from Cake's own older ones.
    public SluiceLoadContext(string folder) : base("sluice")
    {
        var runtime = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location);
        var aspNetCore = System.IO.Path.Combine(runtime, "..", "..", "Microsoft.AspNetCore.App", System.IO.Path.GetFileName(runtime));
        _folders = new[] { folder, aspNetCore };
    }

    protected override Assembly Load(AssemblyName name)
    {
        foreach (var folder in _folders)
        {
            var path = System.IO.Path.Combine(folder, name.Name + ".dll");
            if (System.IO.File.Exists(path)) return LoadFromAssemblyPath(path);
        }
        return null;
    }
}

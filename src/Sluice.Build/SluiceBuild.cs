using System.Linq.Expressions;

namespace Sluice.Build;

/// <summary>
/// The base of a build class. Declare targets as properties, parameters as attributed members, implement
/// component interfaces to bring their targets, and start it from <c>Main</c>:
/// <code>public static int Main() => Execute&lt;Build&gt;(x => x.Compile);</code>
/// </summary>
public abstract class SluiceBuild : ISluiceBuild
{
    private IBuildHost? _host;

    [Parameter("The environment to act on; also loads .nuke/parameters.<env>.json")]
    public string Env { get; internal set; } = "local";

    [Parameter("The repository root (default: the nearest folder above the working directory that holds .nuke/)")]
    public AbsolutePath Root { get; internal set; }

    [Parameter("Targets to skip; alone, every target that was not invoked")]
    public string[]? Skip { get; internal set; }

    [Parameter("Print the execution plan instead of running: text, or html (a page under .nuke/temp/)", ImplicitValue = "text")]
    public PlanFormat? Plan { get; internal set; }

    [Parameter("Show targets, parameters and environments")]
    public bool Help { get; internal set; }

    [Parameter("Skip the targets that succeeded in the last run of the same command, and start where it failed")]
    public bool Continue { get; internal set; }

    [Parameter("How much to print: quiet, minimal, normal, verbose")]
    public Verbosity Verbosity { get; internal set; } = Verbosity.Normal;

    public IBuildHost Host
    {
        get => _host ?? throw new InvalidOperationException("The host is available once the build runs.");
        internal set => _host = value;
    }

    public IReadOnlyDictionary<string, object?> ParameterValues { get; internal set; } = new Dictionary<string, object?>();

    internal SecretRegistry? Secrets { get; set; }

    public void AddSecret(string value) =>
        (Secrets ?? throw new InvalidOperationException("Secrets can be added once the build runs.")).Add(value);

    public string Redact(string text) => Secrets?.Redact(text) ?? text;

    private readonly List<(Type Key, object Value)> _runScoped = [];

    public T RunScoped<T>(Func<T> create) where T : class
    {
        lock (_runScoped)
        {
            foreach (var (key, value) in _runScoped)
                if (key == typeof(T)) return (T)value;
            var created = create();
            _runScoped.Add((typeof(T), created));
            return created;
        }
    }

    /// <summary>Disposes what <see cref="RunScoped{T}"/> made, latest first; called once the run has ended.</summary>
    internal async ValueTask DisposeRunScopedAsync()
    {
        List<object> made;
        lock (_runScoped)
        {
            made = [.. _runScoped.Select(r => r.Value)];
            _runScoped.Clear();
        }
        made.Reverse();
        foreach (var value in made)
        {
            if (value is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (value is IDisposable disposable) disposable.Dispose();
        }
    }

    /// <summary>The CI pipelines <c>./build.sh GenerateCi</c> writes for this build (GitHub Actions and Azure Pipelines).</summary>
    public virtual IEnumerable<Ci.CiPipeline> CiPipelines => [];

    /// <summary>True on a CI server (GitHub Actions, Azure Pipelines, or CI=true).</summary>
    public bool IsServerBuild => Host.Name != "console";

    /// <summary>Runs the build with the process's arguments and console; returns the exit code for <c>Main</c>.</summary>
    protected static int Execute<T>(params Expression<Func<T, Target>>[] defaultTargets) where T : SluiceBuild, new() =>
        ConsoleEntryPoint.Run<T>(System.Environment.GetCommandLineArgs().Skip(1).ToArray(), defaultTargets);
}

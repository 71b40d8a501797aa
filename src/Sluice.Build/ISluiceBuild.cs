using System.Runtime.CompilerServices;

namespace Sluice.Build;

/// <summary>What component interfaces can see of the build they are part of.</summary>
public interface ISluiceBuild
{
    /// <summary>The repository root: the folder that holds <c>.nuke/</c>.</summary>
    AbsolutePath Root { get; }

    /// <summary>The selected environment (<c>--env</c>).</summary>
    string Env { get; }

    IBuildHost Host { get; }

    /// <summary>Every parameter that received a value, by member name.</summary>
    IReadOnlyDictionary<string, object?> ParameterValues { get; }

    /// <summary>Registers a value found at run time (a generated password, a token) as secret: redacted everywhere from now on.</summary>
    void AddSecret(string value);

    /// <summary>The text with every secret of the run so far replaced: for whatever a component keeps (a file, a row).</summary>
    string Redact(string text);

    /// <summary>
    /// The run's one <typeparamref name="T"/>: made by <paramref name="create"/> the first time any component asks,
    /// the same object for every component after, and disposed (when it is disposable) once the run ends, after the
    /// environment's lease is released. What a run opens once and shares lives here, never in static state.
    /// </summary>
    T RunScoped<T>(Func<T> create) where T : class;
}

public static class SluiceBuildExtensions
{
    /// <summary>
    /// The value of the calling component property's parameter:
    /// <c>[Parameter("...")] TimeSpan? TimeBudget => this.Parameter&lt;TimeSpan?&gt;();</c>
    /// </summary>
    public static T? Parameter<T>(this ISluiceBuild build, [CallerMemberName] string member = "") =>
        build.ParameterValues.TryGetValue(member, out var value) && value is T typed ? typed : default;
}

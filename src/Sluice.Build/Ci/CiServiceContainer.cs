using System.Globalization;

namespace Sluice.Build.Ci;

/// <summary>
/// A container started beside a job and reachable from it on <c>localhost</c> through its <see cref="Ports"/>: GitHub's
/// <c>jobs.&lt;id&gt;.services.NAME</c>, and on Azure a <c>resources.containers</c> entry the job names in its
/// <c>services:</c>. The engine writes what it is given; what runs in the container is the build's business.
/// </summary>
/// <param name="Name">The service's id in both dialects: a letter or <c>_</c>, then letters, digits or underscores.</param>
/// <param name="Image">The image, with its tag (<c>redis:7</c>).</param>
public sealed record CiServiceContainer(string Name, string Image)
{
    /// <summary>The container's environment variables, written in name order.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Port mappings, <c>HOST:CONTAINER</c> (<c>6379:6379</c>).</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>How the platform knows the container is ready; the job's steps start only then.</summary>
    public CiHealthCheck? HealthCheck { get; init; }

    /// <summary>The same container described the same way (records compare collections by reference; Azure declares
    /// each container once for every job that uses it, so two declarations must agree).</summary>
    internal bool SameAs(CiServiceContainer other) =>
        Name == other.Name && Image == other.Image && HealthCheck == other.HealthCheck && Ports.SequenceEqual(other.Ports)
        && EnvironmentInOrder().SequenceEqual(other.EnvironmentInOrder());

    internal IEnumerable<KeyValuePair<string, string>> EnvironmentInOrder() => Environment.OrderBy(e => e.Key, StringComparer.Ordinal);

    /// <summary>The entry both dialects share (image, env, ports, options); Azure adds its <c>container</c> alias first.</summary>
    internal YMap ToYaml(YMap? head = null)
    {
        var map = head ?? new YMap();
        map.Add("image", Image);
        if (Environment.Count > 0)
        {
            var env = new YMap();
            foreach (var (name, value) in EnvironmentInOrder()) env.Add(name, value);
            map.Add("env", env);
        }
        if (Ports.Count > 0) map.Add("ports", new YSequence(Ports.Select(p => (Y)p).ToList()));
        map.Add("options", HealthCheck?.DockerOptions());
        return map;
    }
}

/// <summary>A Docker health check (<c>--health-cmd</c> and friends); unset values keep Docker's defaults.</summary>
/// <param name="Command">Run inside the container; exit 0 means ready (<c>pg_isready</c>, <c>redis-cli ping</c>).</param>
public sealed record CiHealthCheck(string Command)
{
    public TimeSpan? Interval { get; init; }
    public TimeSpan? Timeout { get; init; }
    public int? Retries { get; init; }

    internal string DockerOptions()
    {
        var parts = new List<string> { "--health-cmd", Quoted(Command) };
        if (Interval is { } interval) parts.AddRange(["--health-interval", Duration(interval)]);
        if (Timeout is { } timeout) parts.AddRange(["--health-timeout", Duration(timeout)]);
        if (Retries is { } retries) parts.AddRange(["--health-retries", retries.ToString(CultureInfo.InvariantCulture)]);
        return string.Join(" ", parts);
    }

    // Both platforms split the options as a shell would: a command with spaces is one quoted word.
    private static string Quoted(string command) =>
        command.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? "\"" + command.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : command;

    // Docker reads Go durations: whole seconds as 5s, anything finer in milliseconds.
    private static string Duration(TimeSpan value) => value.Ticks % TimeSpan.TicksPerSecond == 0
        ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
        : ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}

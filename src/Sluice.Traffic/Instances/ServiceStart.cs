namespace Sluice.Traffic.Instances;

/// <summary>
/// How to start one instance of a service as a process: the command, its environment (for the sample:
/// <c>ConnectionStrings__Shop</c>, <c>Shop__Version</c>, fault switches), and the path that says it is ready. It listens
/// on a free port on 127.0.0.1 (<c>ASPNETCORE_URLS=http://127.0.0.1:0</c>) and its address is read from the
/// "Now listening on:" line ASP.NET Core prints.
/// </summary>
/// <param name="Name">What messages call it, e.g. <c>shop-v2</c>.</param>
public sealed record ServiceStart(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string ReadyPath { get; init; } = "/health/ready";

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An ASP.NET Core application run by the <c>dotnet</c> host that runs this process.</summary>
    public static ServiceStart DotnetApp(string name, string assemblyPath) =>
        new(name, System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [assemblyPath]);
}

namespace Sluice.Environments;

/// <summary>Where the name of an environment's database came from.</summary>
public enum DatabaseSource
{
    /// <summary>The environment's <c>database</c> key.</summary>
    Configured,
    /// <summary>The service's name (<c>--service</c>, or the only service under the pipelines folder).</summary>
    Service,
    /// <summary>Neither: the fallback <c>sluice</c>.</summary>
    Fallback,
}

/// <summary>
/// Which database a provider that creates one (<c>local</c>, <c>testcontainers</c>) uses, and why:
/// <list type="number">
/// <item>The environment's <c>database</c> key, when set.</item>
/// <item>Else the service's name: <c>--service</c>, or the only service under the pipelines folder.</item>
/// <item>Else <c>sluice</c> (no service can be told: none or several under the pipelines folder and no <c>--service</c>).</item>
/// </list>
/// The choice is printed when the environment opens (<see cref="Describe"/>), so a run never acts on a database
/// nobody asked for without saying so.
/// </summary>
public sealed record DatabaseChoice(string Name, string? Service, DatabaseSource Source)
{
    public const string Fallback = "sluice";

    public static DatabaseChoice For(string? configured, string? service) =>
        configured is not null ? new(configured, service, DatabaseSource.Configured)
        : service is not null ? new(service, service, DatabaseSource.Service)
        : new(Fallback, null, DatabaseSource.Fallback);

    /// <summary>The line printed on open: <c>using database shop for service shop (named after the service; ...)</c>.</summary>
    public string Describe(string environment)
    {
        var forService = Service is null ? "" : $" for service {Service}";
        var file = $".nuke/parameters.{environment}.json";
        return Source switch
        {
            DatabaseSource.Configured => $"using database {Name}{forService} (the 'database' key of environment '{environment}')",
            DatabaseSource.Service => $"using database {Name}{forService} (named after the service; set \"database\" under \"environment\" in {file} to use another)",
            _ => $"using database {Name} (no service named: pass --service, or set \"database\" under \"environment\" in {file})",
        };
    }
}

using Prometheus;
using Shop.Customers;

namespace Shop.Metrics;

/// <summary>
/// <c>/metrics</c> for Prometheus: the HTTP request counts and duration histogram of prometheus-net, every series
/// labelled <c>service_version="1"|"2"</c> so a canary's queries can tell the versions apart. Each app has its own
/// registry (no process-wide state), so two versions hosted in one process keep separate figures; Prometheus's own
/// scrapes are not counted as traffic.
/// </summary>
public static class ShopMetrics
{
    public const string Path = "/metrics";

    public const string VersionLabel = "service_version";

    public static WebApplication UseShopMetrics(this WebApplication app)
    {
        var version = app.Services.GetRequiredService<ICustomerHandlers>().Version;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        registry.SetStaticLabels(new Dictionary<string, string> { [VersionLabel] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        app.UseWhen(context => context.Request.Path != Path, branch => branch.UseHttpMetrics(options => options.SetMetricFactory(factory)));
        app.MapMetrics(Path, registry);
        return app;
    }
}

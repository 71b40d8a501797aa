using Sluice.Build;
using Sluice.Observability.Monitoring;

namespace Sluice.Targets;

/// <summary>
/// <c>GenerateMonitoring</c> (re)writes the Prometheus alerting rules and the Grafana dashboard generated from Sluice's
/// metrics catalog (<see cref="Sluice.Observability.SluiceInstruments.Catalog"/>): <c>monitoring/sluice-alerts.yml</c>
/// and <c>monitoring/sluice-dashboard.json</c>. Commit them; load the rules into Prometheus and import the dashboard.
/// </summary>
public interface IGenerateMonitoring : ISluiceBuild
{
    Target GenerateMonitoring => _ => _
        .Description("Writes Prometheus alert rules and a Grafana dashboard for Sluice's metrics into monitoring/")
        .Executes(() =>
        {
            var changed = new List<string>();
            foreach (var (path, content) in MonitoringFiles.Generate())
            {
                var full = Path.Combine(Root, path);
                if (File.Exists(full) && File.ReadAllText(full) == content) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, content);
                changed.Add(path);
            }
            Host.Info(changed.Count == 0 ? "monitoring files are current" : $"wrote {string.Join(", ", changed)}");
        });
}

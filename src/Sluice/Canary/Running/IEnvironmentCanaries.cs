using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Canary.Running;

/// <summary>What an environment's database gives a canary: its journal, the database's own signals per version, and
/// the dual-write parity probe. The connection behind them never leaves the provider.</summary>
public interface IEnvironmentCanaries
{
    ICanaryJournal Journal { get; }

    /// <summary>The <c>database</c> metric source for <paramref name="definition"/>'s versions (by <c>application_name</c>).</summary>
    IMetricSource Database(CanaryDefinition definition);

    IDivergenceProbe Divergence { get; }

    /// <summary>Where the canary's instruments are recorded (the database's run telemetry); null records nothing.</summary>
    Observability.SluiceTelemetry? Telemetry { get; }
}

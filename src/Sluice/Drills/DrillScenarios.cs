using Sluice.Drills.Scenarios;
using Sluice.Errors;

namespace Sluice.Drills;

/// <summary>The scenarios <c>--scenario</c> knows. A build adds its own by passing more to <see cref="DrillScenarios(IEnumerable{IDrillScenario})"/>.</summary>
public sealed class DrillScenarios(IEnumerable<IDrillScenario> scenarios)
{
    public static IReadOnlyList<IDrillScenario> BuiltIn { get; } =
        [new CorruptedTableScenario(), new KilledBackfillScenario(rollBack: false), new KilledBackfillScenario(rollBack: true), new FailedContractScenario(), new LostPrimaryScenario()];

    public static DrillScenarios Default { get; } = new(BuiltIn);

    public IReadOnlyList<IDrillScenario> All { get; } = [.. scenarios];

    /// <summary>The scenario named <paramref name="name"/>; SLU315 naming the known ones otherwise.</summary>
    public IDrillScenario Find(string? name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw SluiceException.Usage(ErrorCodes.UnknownDrillScenario,
            name is null ? "Drill needs --scenario NAME" : $"unknown drill scenario '{name}'",
            $"pass --scenario with one of: {string.Join(", ", All.Select(s => s.Name))}");
}

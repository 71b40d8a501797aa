using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Trains;

/// <summary>
/// Orders every pending phase of every service of a train into one sequence (topological, stable: the same plans give
/// the same order). The rules, each a constraint on the order:
/// <list type="number">
/// <item>a service's phases keep their order: plans in folder order, phases in plan order;</item>
/// <item>a phase that requires a phase of the train comes after it;</item>
/// <item>a requirement that is not a phase of the train (done already, or of a service not in the train) orders
/// nothing: the dependency gate judges it against the journal;</item>
/// <item>of the phases free to run at once, the one with the fewest phases of its service before it goes first, and
/// among equals the service listed first: the train goes phase by phase across services where the requirements allow;</item>
/// <item>no order exists (a cycle, which loading already refuses) → SLU304 naming the phases left.</item>
/// </list>
/// </summary>
public static class TrainPlanner
{
    public static IReadOnlyList<TrainStep> Order(IReadOnlyList<TrainService> services)
    {
        // Each service's steps in its own order (rule 1), with their rank in it (rule 4).
        var queues = services.Select(s => s.Plans.SelectMany(p => p.Pending.Select(phase => new TrainStep(s.Service, p.Plan, phase))).ToList()).ToList();
        var inTrain = queues.SelectMany(q => q).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var next = new int[queues.Count];
        var order = new List<TrainStep>();
        while (order.Count < inTrain.Count)
        {
            var ready = Enumerable.Range(0, queues.Count)
                .Where(i => next[i] < queues[i].Count && Ready(queues[i][next[i]], inTrain, placed))
                .OrderBy(i => next[i]).ThenBy(i => i)
                .Select(i => (int?)i).FirstOrDefault();
            if (ready is not { } chosen)
            {
                var left = Enumerable.Range(0, queues.Count).Where(i => next[i] < queues[i].Count).Select(i => queues[i][next[i]].Key);
                throw SluiceException.Usage(ErrorCodes.RequirementCycle, $"no order runs the train: {string.Join(", ", left)} wait on each other",
                    "remove or move one of their requires: entries");
            }
            var step = queues[chosen][next[chosen]++];
            order.Add(step);
            placed.Add(step.Key);
        }
        return order;
    }

    /// <summary>Rules 2 and 3: every requirement that is a step of the train is placed already.</summary>
    private static bool Ready(TrainStep step, HashSet<string> inTrain, HashSet<string> placed) =>
        Requirement.Before(step.Plan, step.Phase).All(r => !inTrain.Contains(r.Key) || placed.Contains(r.Key));
}

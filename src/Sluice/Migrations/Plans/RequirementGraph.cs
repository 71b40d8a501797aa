using Sluice.Errors;

namespace Sluice.Migrations.Plans;

/// <summary>
/// Checks every <c>requires:</c> entry against the plans of all services under <c>pipelines/</c>, on load, before
/// anything touches a database. The first row that matches an entry decides (each a usage error, exit 2, naming the
/// plan.yaml and the entry's line):
/// <list type="number">
/// <item>the entry names its own service → SLU305 (within a service the folder and phase order already decide);</item>
/// <item>no such service (no <c>pipelines/&lt;service&gt;/migrations/</c>) → SLU301, listing the services;</item>
/// <item>the service has no such plan → SLU302, listing its plans;</item>
/// <item>the plan has no such phase → SLU303, listing its phases;</item>
/// <item>otherwise the entry stands.</item>
/// </list>
/// Then, over the whole graph (a phase comes after the phase before it in its plan, a plan's first phase after the
/// last phase of the plan before it in its service, and after every phase it requires): a cycle → SLU304, naming its
/// path (<c>billing/0003@switch → shop/0002@contract → billing/0003@switch</c>) at the first entry on it.
/// </summary>
public static class RequirementGraph
{
    /// <summary>A phase of a plan of a service: the graph's node.</summary>
    public readonly record struct Step(string Service, string PlanId, string Phase)
    {
        public override string ToString() => $"{Service}/{PlanId}@{Phase}";
    }

    /// <summary>Checks <paramref name="services"/> (every service of the pipelines folder, or at least those the
    /// requirements name); throws the first error the rules find.</summary>
    public static void Check(IReadOnlyList<ServicePlans> services)
    {
        var byName = services.ToDictionary(s => s.Service, StringComparer.Ordinal);
        foreach (var service in services)
        foreach (var plan in service.Plans)
        foreach (var requirement in Requirement.Of(plan))
            CheckEntry(service.Service, requirement, byName);
        FindCycle(services);
    }

    /// <summary>Each step and the steps it must follow (its predecessor in its plan or service, and what it requires).</summary>
    public static IReadOnlyDictionary<Step, IReadOnlyList<(Step Before, Requirement? Because)>> Edges(IReadOnlyList<ServicePlans> services)
    {
        var edges = new Dictionary<Step, IReadOnlyList<(Step, Requirement?)>>();
        foreach (var service in services)
        {
            Step? previous = null;
            foreach (var plan in service.Plans)
            foreach (var phase in plan.Phases)
            {
                var step = new Step(service.Service, plan.Id, phase.Name);
                var before = new List<(Step, Requirement?)>();
                if (previous is { } p) before.Add((p, null));
                before.AddRange(Requirement.Before(plan, phase).Select(r => (new Step(r.Service, r.PlanId, r.Phase), (Requirement?)r)));
                edges[step] = before;
                previous = step;
            }
        }
        return edges;
    }

    private static void CheckEntry(string own, Requirement requirement, IReadOnlyDictionary<string, ServicePlans> services)
    {
        if (requirement.Service == own)
            throw Error(ErrorCodes.RequirementOwnService, requirement, $"requirement '{requirement}' names its own service '{own}'",
                "within a service, plans run in folder order and phases in plan order: remove the entry");
        if (!services.TryGetValue(requirement.Service, out var service))
            throw Error(ErrorCodes.UnknownRequiredService, requirement, $"requirement '{requirement}' names service '{requirement.Service}', which has no migrations folder",
                $"known services: {string.Join(", ", services.Keys.Order(StringComparer.Ordinal))}");
        var plan = service.Plans.FirstOrDefault(p => p.Id == requirement.PlanId)
                   ?? throw Error(ErrorCodes.UnknownRequiredPlan, requirement, $"requirement '{requirement}' names plan '{requirement.PlanId}', which service '{service.Service}' does not have",
                       service.Plans.Count == 0 ? $"service '{service.Service}' has no plans yet" : $"plans of {service.Service}: {string.Join(", ", service.Plans.Select(p => p.Id))}");
        if (plan.Phases.All(p => p.Name != requirement.Phase))
            throw Error(ErrorCodes.UnknownRequiredPhase, requirement, $"requirement '{requirement}' names phase '{requirement.Phase}', which plan '{plan.Id}' of {service.Service} does not have",
                $"phases of {plan.Id}: {string.Join(", ", plan.Phases.Select(p => p.Name))}");
    }

    private static void FindCycle(IReadOnlyList<ServicePlans> services)
    {
        var edges = Edges(services);
        var state = new Dictionary<Step, bool>(); // false: on the current path; true: finished
        var path = new List<(Step Step, Requirement? Because)>();
        foreach (var start in edges.Keys)
            Visit(start, null);

        void Visit(Step step, Requirement? because)
        {
            if (state.TryGetValue(step, out var finished))
            {
                if (finished) return;
                var from = path.FindIndex(p => p.Step == step);
                var cycle = path.Skip(from).Append((Step: step, Because: because)).ToList();
                // Read in the direction of 'requires': each step needs the next one done first.
                var shown = string.Join(" → ", cycle.Select(c => c.Step.ToString()));
                var at = cycle.Skip(1).Select(c => c.Because).FirstOrDefault(r => r is not null)!;
                throw Error(ErrorCodes.RequirementCycle, at, $"the requirements form a cycle: {shown}",
                    "no order can satisfy them: remove or move one of the entries on the cycle (a later phase of the other plan, or an earlier one of this)");
            }
            state[step] = false;
            path.Add((step, because));
            foreach (var (before, reason) in edges.TryGetValue(step, out var list) ? list : [])
                Visit(before, reason);
            path.RemoveAt(path.Count - 1);
            state[step] = true;
        }
    }

    private static SluiceException Error(string code, Requirement at, string message, string remedy) =>
        SluiceException.Usage(code, message, remedy, at.File, at.Line);
}

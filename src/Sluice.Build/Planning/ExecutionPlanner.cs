namespace Sluice.Build;

/// <summary>
/// Turns the invoked targets into an ordered plan. The rules, each tested by one row of
/// <c>tests/Sluice.Build.Tests/PlanningRulesTests.cs</c> (ids in brackets):
/// <code>
/// id   situation                                   rule
/// P1   targets named on the command line           they are invoked; with none, the build's default targets are
/// P2   A.DependsOn(B)                              B joins the plan with A and runs before it
/// P3   A.DependentFor(B)                           the same as B.DependsOn(A)
/// P4   A.After(B), A.Before(B)                     order only, when both are planned; never pulls a target in
/// P5   A.Triggers(B), B.TriggeredBy(A)             B joins the plan with A (to a fixed point, with B's dependencies) and runs after A
/// P6   a cycle of dependencies, triggers or order  usage error naming the whole path: A -> B -> C -> A
/// P7   an unknown target name                      usage error naming the closest targets
/// P8   order among unrelated targets               deterministic: invoked order first, then declaration order
/// S1   --skip without names                        every target that was not invoked is skipped
/// S2   --skip A B                                  A and B are skipped unless invoked
/// S3   an invoked target named by --skip           runs: --skip never skips an invoked target
/// S4   OnlyWhenStatic(false)                       skipped, even when invoked; decided before anything runs
/// S5   a skipped target's dependencies             not pulled in by it (skips cascade); they run if something else needs them
/// S6   a skipped target's triggers                 do not fire: targets only it triggers are not planned
/// S7   Requires and [Required] of skipped targets  not enforced
/// S8   Requires and [Required] of planned targets  checked before any target runs; a violation is a usage error (exit 2)
/// E1   a target failed                             its dependents never run, even when it had ProceedAfterFailure
/// E2   a failure without ProceedAfterFailure       every later target that is not AssuredAfterFailure does not run
/// E3   a failure with ProceedAfterFailure          later targets that do not depend on it still run; the exit code is 1
/// E4   AssuredAfterFailure                         runs after a failure and after Ctrl-C (not when its own dependency failed)
/// E5   OnlyWhenDynamic(false)                      skipped right before it would run; dependents still run; its triggers do not fire
/// E6   a target only triggered                     runs only when a target that triggers it succeeded
/// E7   Timeout(t)                                  the token is cancelled after t; the target fails as timed out
/// E8   Retries(n)                                  a failed attempt is retried up to n times (not after cancellation or timeout)
/// E9   Ctrl-C                                      the running target's token is cancelled; the rest do not run, except E4
/// E10  IncompleteException                         the target is incomplete: dependents do not run; exit 4 if nothing failed
/// E11  exit code                                   0 only when every planned target succeeded or was skipped on purpose
/// </code>
/// Rows E1 to E11 are carried out by <see cref="TargetExecutor"/>.
/// </summary>
internal static class ExecutionPlanner
{
    /// <param name="skip">null: no <c>--skip</c>; empty: <c>--skip</c> alone; else the names to skip.</param>
    public static ExecutionPlan Plan(TargetCatalog catalog, IReadOnlyList<string> invoked, IReadOnlyList<string>? skip = null)
    {
        var invokedTargets = invoked.Select(name => Resolve(catalog, name)).Distinct().ToList();
        var invokedNames = invokedTargets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var skipNames = (skip ?? []).Select(name => Resolve(catalog, name).Name).ToHashSet(StringComparer.Ordinal);

        var staticSkip = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? SkipReason(BuildTarget target)
        {
            if (staticSkip.TryGetValue(target.Name, out var known)) return known;
            string? reason = null;
            var isInvoked = invokedNames.Contains(target.Name);
            if (!isInvoked && skip is { Count: 0 }) reason = "--skip";
            else if (!isInvoked && skipNames.Contains(target.Name)) reason = $"--skip {target.Name}";
            else
            {
                var failed = target.Definition.StaticConditions.FirstOrDefault(c => !c.Evaluate());
                if (failed is not null) reason = $"condition false: {failed.Text}";
            }
            return staticSkip[target.Name] = reason;
        }

        // Fixed point over dependencies and triggers, pulling only through targets that will run (S5, S6).
        var reasons = new Dictionary<string, HashSet<PlanReason>>(StringComparer.Ordinal);
        var dependencyOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var triggeredBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var queue = new Queue<BuildTarget>();

        void Pull(BuildTarget target, PlanReason reason, string? by)
        {
            var isNew = !reasons.ContainsKey(target.Name);
            if (isNew)
            {
                reasons[target.Name] = [];
                dependencyOf[target.Name] = [];
                triggeredBy[target.Name] = [];
                queue.Enqueue(target);
            }
            reasons[target.Name].Add(reason);
            if (by is null) return;
            var list = reason == PlanReason.Dependency ? dependencyOf[target.Name] : triggeredBy[target.Name];
            if (!list.Contains(by)) list.Add(by);
        }

        foreach (var target in invokedTargets) Pull(target, PlanReason.Invoked, null);
        while (queue.TryDequeue(out var target))
        {
            if (SkipReason(target) is not null) continue;
            foreach (var dependency in target.DependsOn) Pull(catalog.Find(dependency)!, PlanReason.Dependency, target.Name);
            foreach (var triggered in target.Triggers) Pull(catalog.Find(triggered)!, PlanReason.Triggered, target.Name);
        }

        var order = Order(catalog, invokedTargets, reasons.Keys.ToHashSet(StringComparer.Ordinal), triggeredBy);
        var planned = order.Select(target => new PlannedTarget(
            target, reasons[target.Name], dependencyOf[target.Name], triggeredBy[target.Name], SkipReason(target))).ToList();
        return new ExecutionPlan(planned, invokedTargets.Select(t => t.Name).ToList());
    }

    private static BuildTarget Resolve(TargetCatalog catalog, string name)
    {
        var target = catalog.Find(name);
        if (target is not null) return target;
        var listed = catalog.Targets.Where(t => !t.IsUnlisted).Select(t => t.Name).ToList();
        var closest = ParameterNames.Closest(name, listed);
        var nearest = listed.OrderBy(t => ParameterNames.Distance(name, t)).ThenBy(t => t, StringComparer.Ordinal).FirstOrDefault();
        throw new UsageException(EngineErrorCodes.UnknownTarget, $"unknown target '{name}'",
            closest.Count > 0 ? $"did you mean {string.Join(", ", closest)}?"
            : nearest is not null ? $"the closest target is {nearest}; ./build.sh --help lists them all"
            : "the build declares no targets");
    }

    /// <summary>Depth-first over predecessors (dependencies, After, triggerers), so a target runs as soon as what it needs has run (P8).</summary>
    private static List<BuildTarget> Order(TargetCatalog catalog, IReadOnlyList<BuildTarget> invoked, HashSet<string> planned,
        Dictionary<string, List<string>> triggeredBy)
    {
        var declarationIndex = catalog.Targets.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var predecessors = planned.ToDictionary(name => name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var name in planned)
        {
            var target = catalog.Find(name)!;
            foreach (var before in target.DependsOn.Concat(target.After).Concat(triggeredBy[name]))
                if (planned.Contains(before) && !predecessors[name].Contains(before)) predecessors[name].Add(before);
        }
        foreach (var list in predecessors.Values) list.Sort((a, b) => declarationIndex[a].CompareTo(declarationIndex[b]));

        var result = new List<BuildTarget>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        void Visit(string name)
        {
            if (done.Contains(name)) return;
            var onPath = path.IndexOf(name);
            if (onPath >= 0)
            {
                var cycle = path.Skip(onPath).Append(name);
                throw new UsageException(EngineErrorCodes.TargetCycle, $"targets form a cycle: {string.Join(" -> ", cycle)}",
                    "remove one of the DependsOn, Triggers, After or Before relations on that path");
            }
            path.Add(name);
            foreach (var before in predecessors[name]) Visit(before);
            path.RemoveAt(path.Count - 1);
            done.Add(name);
            result.Add(catalog.Find(name)!);
        }

        foreach (var target in invoked) Visit(target.Name);
        foreach (var name in planned.OrderBy(n => declarationIndex[n])) Visit(name);
        return result;
    }
}

namespace Sluice.Environments.AsCode;

/// <summary>What applying the declared environments would do to one environment.</summary>
public enum EnvironmentChangeKind
{
    /// <summary>The environment does not exist: create it with its protection rules.</summary>
    Create,
    /// <summary>Its reviewers, self-review rule, wait timer or branch restriction differ: set them as declared.</summary>
    UpdateProtection,
    /// <summary>A declared branch policy is missing: add it.</summary>
    AddBranchPolicy,
    /// <summary>A branch policy the file does not declare: remove it.</summary>
    RemoveBranchPolicy,
    /// <summary>A declared secret does not exist: only a person can add its value, so it is reported, never applied.</summary>
    MissingSecret,
}

/// <summary>One change, with what it is about (a reviewer list, a branch pattern, a secret's name) and the policy's id to remove.</summary>
public sealed record EnvironmentChange(EnvironmentChangeKind Kind, string Environment, string Detail, long? PolicyId = null)
{
    public override string ToString() => $"{Kind switch
    {
        EnvironmentChangeKind.Create => "create environment",
        EnvironmentChangeKind.UpdateProtection => "update protection of",
        EnvironmentChangeKind.AddBranchPolicy => "add branch policy to",
        EnvironmentChangeKind.RemoveBranchPolicy => "remove branch policy from",
        _ => "missing secret in",
    }} {Environment}: {Detail}";
}

/// <summary>
/// The changes that bring the host's environments to the declared ones, per declared environment in file order:
/// <list type="number">
/// <item>not on the host → <c>Create</c> (reviewers, self-review, wait timer), then an <c>AddBranchPolicy</c> per declared pattern;</item>
/// <item>on the host with other reviewers (as a set), self-review rule, wait timer, or branch restriction on/off → one <c>UpdateProtection</c> naming what differs;</item>
/// <item>a declared pattern the host lacks → <c>AddBranchPolicy</c>;</item>
/// <item>a pattern the host has and the file does not → <c>RemoveBranchPolicy</c> (the file is the whole truth);</item>
/// <item>a declared secret the environment cannot read (neither its own nor the repository's) → <c>MissingSecret</c>;</item>
/// <item>an environment on the host that the file does not declare → left alone (another team's, or made by hand);</item>
/// <item>everything as declared → no change, so a second apply changes nothing.</item>
/// </list>
/// </summary>
public static class EnvironmentChangePlanner
{
    public static IReadOnlyList<EnvironmentChange> Plan(IReadOnlyList<DeclaredEnvironment> declared, IReadOnlyCollection<HostedEnvironment> hosted)
    {
        var changes = new List<EnvironmentChange>();
        foreach (var wanted in declared)
        {
            var have = hosted.FirstOrDefault(h => string.Equals(h.Name, wanted.Name, StringComparison.OrdinalIgnoreCase));
            if (have is null)
            {
                changes.Add(new(EnvironmentChangeKind.Create, wanted.Name, Describe(wanted)));
                changes.AddRange(wanted.BranchPolicies.Select(p => new EnvironmentChange(EnvironmentChangeKind.AddBranchPolicy, wanted.Name, p)));
            }
            else
            {
                if (Differences(wanted, have) is { Count: > 0 } differences)
                    changes.Add(new(EnvironmentChangeKind.UpdateProtection, wanted.Name, string.Join("; ", differences)));
                var present = have.BranchPolicies ?? [];
                changes.AddRange(wanted.BranchPolicies.Where(p => present.All(h => h.Pattern != p))
                    .Select(p => new EnvironmentChange(EnvironmentChangeKind.AddBranchPolicy, wanted.Name, p)));
                changes.AddRange(present.Where(h => !wanted.BranchPolicies.Contains(h.Pattern))
                    .Select(h => new EnvironmentChange(EnvironmentChangeKind.RemoveBranchPolicy, wanted.Name, h.Pattern, h.Id)));
            }
            var secrets = have?.Secrets ?? [];
            changes.AddRange(wanted.Secrets.Where(s => !secrets.Contains(s, StringComparer.OrdinalIgnoreCase))
                .Select(s => new EnvironmentChange(EnvironmentChangeKind.MissingSecret, wanted.Name, s)));
        }
        return changes;
    }

    private static string Describe(DeclaredEnvironment e) =>
        $"reviewers [{string.Join(", ", e.Reviewers)}], prevent_self_review {(e.PreventSelfReview ? "on" : "off")}, wait timer {e.WaitTimerMinutes} min, " +
        (e.BranchPolicies.Count == 0 ? "any branch" : $"branches [{string.Join(", ", e.BranchPolicies)}]");

    private static List<string> Differences(DeclaredEnvironment wanted, HostedEnvironment have)
    {
        var differences = new List<string>();
        if (!wanted.Reviewers.ToHashSet().SetEquals(have.Reviewers))
            differences.Add($"reviewers [{string.Join(", ", have.Reviewers)}] → [{string.Join(", ", wanted.Reviewers)}]");
        if (wanted.PreventSelfReview != have.PreventSelfReview)
            differences.Add($"prevent_self_review {(have.PreventSelfReview ? "on" : "off")} → {(wanted.PreventSelfReview ? "on" : "off")}");
        if (wanted.WaitTimerMinutes != have.WaitTimerMinutes)
            differences.Add($"wait timer {have.WaitTimerMinutes} → {wanted.WaitTimerMinutes} min");
        if ((wanted.BranchPolicies.Count > 0) != (have.BranchPolicies is not null))
            differences.Add(wanted.BranchPolicies.Count > 0 ? "any branch → declared branches only" : "declared branches only → any branch");
        return differences;
    }
}

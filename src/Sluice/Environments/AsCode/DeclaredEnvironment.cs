namespace Sluice.Environments.AsCode;

/// <summary>Whether a required reviewer is one person or a team.</summary>
public enum ReviewerKind { User, Team }

/// <summary>A required reviewer of an environment: a user's login or a team's slug.</summary>
public sealed record Reviewer(ReviewerKind Kind, string Name)
{
    public override string ToString() => Kind == ReviewerKind.Team ? $"team {Name}" : Name;
}

/// <summary>
/// An environment as the team declares it: who must review a deployment (and whether the one who started it may),
/// how long to wait, which branches may deploy (none listed: any), and the secrets that must exist (names only).
/// </summary>
/// <param name="Line">Where it is declared, for errors.</param>
public sealed record DeclaredEnvironment(string Name, IReadOnlyList<Reviewer> Reviewers, bool PreventSelfReview, int WaitTimerMinutes,
    IReadOnlyList<string> BranchPolicies, IReadOnlyList<string> Secrets, int Line);

/// <summary>The environments-as-code file, read by <see cref="EnvironmentsFileReader"/>.</summary>
public sealed record EnvironmentsFile(string Path, IReadOnlyList<DeclaredEnvironment> Environments)
{
    /// <summary>The file's place in a repository.</summary>
    public const string RelativePath = ".github/sluice-environments.yaml";

    /// <summary>The users an environment declares as reviewers (its teams' members are only known to the host); empty when it declares none or is not declared.</summary>
    public IReadOnlyList<string> DeclaredUsers(string environment) =>
        Environments.FirstOrDefault(e => string.Equals(e.Name, environment, StringComparison.OrdinalIgnoreCase)) is { } declared
            ? declared.Reviewers.Where(r => r.Kind == ReviewerKind.User).Select(r => r.Name).ToList()
            : [];
}

/// <summary>A deployment branch policy as the host has it (its id is needed to remove it).</summary>
public sealed record HostedBranchPolicy(long Id, string Pattern);

/// <summary>An environment as the host (GitHub) has it now.</summary>
/// <param name="BranchPolicies">Its custom branch policies; null when any branch may deploy.</param>
/// <param name="Secrets">The names of the secrets the environment can read (its own and the repository's).</param>
public sealed record HostedEnvironment(string Name, IReadOnlyList<Reviewer> Reviewers, bool PreventSelfReview, int WaitTimerMinutes,
    IReadOnlyList<HostedBranchPolicy>? BranchPolicies, IReadOnlyCollection<string> Secrets);

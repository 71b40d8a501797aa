using System.Diagnostics;

namespace Sluice.Gates;

/// <summary>Who is running <c>Approve</c>: the OS user and the git identity (<c>git config user.email</c>), either of
/// which <c>--by</c> may name. Read from the machine, never from the command line, so an approval is not self-declared.</summary>
public sealed record ApproverIdentity(string OsUser, string? GitEmail)
{
    /// <summary>True when <paramref name="name"/> is this person (the OS user or the git email, case-insensitively).</summary>
    public bool Is(string name) =>
        string.Equals(name, OsUser, StringComparison.OrdinalIgnoreCase) || (GitEmail is { Length: > 0 } && string.Equals(name, GitEmail, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every name this person goes by, for messages and for matching declared approvers.</summary>
    public IReadOnlyList<string> Names => GitEmail is { Length: > 0 } ? [OsUser, GitEmail] : [OsUser];

    public override string ToString() => GitEmail is { Length: > 0 } ? $"{OsUser} ({GitEmail})" : OsUser;

    /// <summary>The person at this machine: <see cref="Environment.UserName"/> and the git email configured for <paramref name="workingDirectory"/> (null when git or the setting is missing).</summary>
    public static async Task<ApproverIdentity> DetectAsync(string workingDirectory, CancellationToken cancellationToken) =>
        new(Environment.UserName, await GitEmailAsync(workingDirectory, cancellationToken));

    private static async Task<string?> GitEmailAsync(string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("config");
        start.ArgumentList.Add("user.email");
        try
        {
            using var git = Process.Start(start);
            if (git is null) return null;
            var email = (await git.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
            await git.WaitForExitAsync(cancellationToken);
            return git.ExitCode == 0 && email.Length > 0 ? email : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine: the OS user alone identifies the runner
        }
    }
}

using System.Runtime.InteropServices;

namespace Sluice.Postgres.Processes;

/// <summary>
/// The operating-system account PostgreSQL's programs run as. <c>initdb</c> and <c>postgres</c> refuse to run as
/// root, so a root process runs them as the <c>postgres</c> system user through <c>runuser</c> and hands that user the
/// folders they write. Any other process runs them as itself.
/// </summary>
public sealed record ServerAccount
{
    /// <summary>The account name the Debian and Homebrew packages create.</summary>
    public const string PostgresUser = "postgres";

    private ServerAccount(string? runAs) => RunAs = runAs;

    /// <summary>The user the programs are switched to, or null when they run as the current user.</summary>
    public string? RunAs { get; }

    /// <summary>True when programs are started through <c>runuser -u postgres --</c>.</summary>
    public bool UsesRunuser => RunAs is not null;

    /// <summary>The current process's account: switched to <c>postgres</c> when it is root.</summary>
    public static ServerAccount Current() => new(IsRoot() ? PostgresUser : null);

    /// <summary>Runs the programs as the current user (for a caller that is not root).</summary>
    public static ServerAccount Self { get; } = new(runAs: null);

    /// <summary>Switches to <paramref name="user"/> with runuser; only meaningful when the process is root.</summary>
    public static ServerAccount SwitchTo(string user) => new(user);

    /// <summary>Runs <paramref name="program"/> as this account.</summary>
    public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        RunAs is null
            ? ProcessRunner.RunAsync(program, arguments, cancellationToken, environment)
            : ProcessRunner.RunAsync("runuser", ["-u", RunAs, "--", program, .. arguments], cancellationToken, environment);

    /// <summary>Gives this account a folder and everything in it (a no-op when programs run as the current user).</summary>
    public async Task GiveAsync(string folder, CancellationToken cancellationToken)
    {
        if (RunAs is null) return;
        var result = await ProcessRunner.RunAsync("chown", ["-R", $"{RunAs}:", folder], cancellationToken);
        if (!result.Succeeded)
            throw new IOException($"could not give '{folder}' to the {RunAs} user: {result.Output}");
    }

    /// <summary>True when this account can create files in <paramref name="folder"/> (it can reach it and write it).</summary>
    public async Task<bool> CanWriteAsync(string folder, CancellationToken cancellationToken)
    {
        if (RunAs is not null)
            return (await RunAsync("test", ["-w", folder, "-a", "-x", folder], cancellationToken)).Succeeded;
        var probe = Path.Combine(folder, $".sluice-probe-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(probe, [], cancellationToken);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public override string ToString() => RunAs ?? Environment.UserName;

    private static bool IsRoot() => !OperatingSystem.IsWindows() && Libc.geteuid() == 0;

    private static class Libc
    {
        [DllImport("libc", SetLastError = false)]
        internal static extern uint geteuid();
    }
}

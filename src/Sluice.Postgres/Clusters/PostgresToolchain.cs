using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Errors;
using Sluice.Postgres.Binaries;
using Sluice.Postgres.Processes;

namespace Sluice.Postgres.Clusters;

/// <summary>PostgreSQL's programs and the account that runs the server ones: what every local cluster needs.</summary>
public sealed class PostgresToolchain(PostgresBinaries binaries, ServerAccount account, ILogger? logger = null)
{
    private int _switchLogged;

    public PostgresBinaries Binaries { get; } = binaries;

    public ServerAccount Account { get; } = account;

    public ILogger Logger { get; } = logger ?? NullLogger.Instance;

    /// <summary>Finds the binaries on this machine (throws <c>SLU010</c> with the install command when missing) and
    /// switches to the <c>postgres</c> user when the process is root.</summary>
    public static async Task<PostgresToolchain> DetectAsync(CancellationToken cancellationToken, ILogger? logger = null,
        PostgresBinaryFinder? finder = null)
    {
        var binaries = await (finder ?? new PostgresBinaryFinder()).FindAsync(cancellationToken);
        var account = ServerAccount.Current();
        if (account.RunAs is { } user && !(await ProcessRunner.RunAsync("id", ["-u", user], cancellationToken)).Succeeded)
            throw SluiceException.Usage(ErrorCodes.BinariesMissing,
                $"running as root, PostgreSQL's server programs must run as the '{user}' user, which does not exist",
                $"create it (useradd --system --home-dir /var/lib/postgresql {user}) or run as a user other than root");
        return new PostgresToolchain(binaries, account, logger);
    }

    /// <summary>Runs a server program (<c>initdb</c>, <c>pg_ctl</c>) as <see cref="Account"/>.</summary>
    public Task<ProcessResult> RunServerProgramAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (Account.UsesRunuser && Interlocked.Exchange(ref _switchLogged, 1) == 0)
            Logger.LogInformation("running as root: PostgreSQL's server programs run as the '{User}' user through runuser, which owns the cluster folders", Account.RunAs);
        return Account.RunAsync(Binaries.Tool(program), arguments, cancellationToken);
    }

    /// <summary>Runs a client program (<c>pg_dump</c>, <c>pgbench</c>, ...) as the current user.</summary>
    public Task<ProcessResult> RunClientProgramAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(Binaries.Tool(program), arguments, cancellationToken, environment);
}

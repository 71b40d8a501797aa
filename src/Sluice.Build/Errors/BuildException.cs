namespace Sluice.Build;

/// <summary>
/// An error that decides the run's exit code. Printed as <c>error SLU0xx: message (file:line)</c> and a remedy.
/// Targets throw <see cref="UsageException"/>, <see cref="EnvironmentBusyException"/> or <see cref="IncompleteException"/>;
/// any other exception fails the target with exit code 1.
/// </summary>
public class BuildException(ExitCode exitCode, string code, string message, string? remedy = null,
    string? file = null, int? line = null, Exception? inner = null) : Exception(message, inner)
{
    public ExitCode ExitCode { get; } = exitCode;
    public string Code { get; } = code;
    public string? Remedy { get; } = remedy;
    public string? File { get; } = file;
    public int? Line { get; } = line;

    public string Headline
    {
        get
        {
            var where = File is null ? "" : Line is null ? $" ({File})" : $" ({File}:{Line})";
            return $"error {Code}: {Message}{where}";
        }
    }
}

/// <summary>Bad input: exit 2, reported before anything is touched.</summary>
public sealed class UsageException(string code, string message, string? remedy = null, string? file = null, int? line = null, Exception? inner = null)
    : BuildException(ExitCode.UsageError, code, message, remedy, file, line, inner);

/// <summary>Another runner holds the environment: exit 3. The message names the holder and since when.</summary>
public sealed class EnvironmentBusyException(string code, string message, string? remedy = null, Exception? inner = null)
    : BuildException(ExitCode.EnvironmentBusy, code, message, remedy, inner: inner);

/// <summary>
/// The target checkpointed and stopped early (a time budget ran out): exit 4, run again to continue. It carries the
/// code of the error it stands for (a domain's own, such as SLU043), <see cref="EngineErrorCodes.Incomplete"/> when
/// none was raised, so the code printed is the one raised.
/// </summary>
public sealed class IncompleteException : BuildException
{
    private const string RunAgain = "run the same command again to continue";

    public IncompleteException(string message, string? remedy = RunAgain, Exception? inner = null)
        : this(EngineErrorCodes.Incomplete, message, remedy, inner)
    {
    }

    public IncompleteException(string code, string message, string? remedy, Exception? inner = null)
        : base(ExitCode.Incomplete, code, message, remedy ?? RunAgain, inner: inner)
    {
    }
}

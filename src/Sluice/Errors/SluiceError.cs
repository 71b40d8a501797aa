namespace Sluice.Errors;

/// <summary>How an error ends a run; the engine adapter maps each kind to the exit code of DESIGN §1.</summary>
public enum ErrorKind
{
    /// <summary>A target failed while acting (exit 1).</summary>
    Failure,
    /// <summary>Bad input: a plan, a parameter, an environment file, a missing binary. Nothing was touched (exit 2).</summary>
    Usage,
    /// <summary>Another runner holds the environment's lease (exit 3).</summary>
    Busy,
    /// <summary>A time budget ran out after a checkpoint; run again to continue (exit 4).</summary>
    Incomplete,
}

/// <summary>
/// An error a user can act on: a stable code (<c>SLU0xx</c>), what happened, where (file and line when known)
/// and a remedy. Printed as <c>error SLU0xx: what (file:line)</c> followed by the remedy.
/// </summary>
public class SluiceException : Exception
{
    public SluiceException(ErrorKind kind, string code, string message, string? remedy = null,
        string? file = null, int? line = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Code = code;
        Remedy = remedy;
        File = file;
        Line = line;
    }

    public ErrorKind Kind { get; }
    public string Code { get; }
    public string? Remedy { get; }
    public string? File { get; }
    public int? Line { get; }

    /// <summary>The one-line form: <c>error SLU012: what (file:line)</c>.</summary>
    public string Headline
    {
        get
        {
            var where = File is null ? "" : Line is null ? $" ({File})" : $" ({File}:{Line})";
            return $"error {Code}: {Message}{where}";
        }
    }

    public override string ToString() => Remedy is null ? Headline : $"{Headline}{Environment.NewLine}  remedy: {Remedy}";

    public static SluiceException Usage(string code, string message, string? remedy = null, string? file = null, int? line = null, Exception? inner = null)
        => new(ErrorKind.Usage, code, message, remedy, file, line, inner);
}

namespace Sluice.Postgres.Processes;

/// <summary>How a finished program ended and what it printed.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Both outputs, for error messages.</summary>
    public string Output => string.Join(Environment.NewLine, new[] { StandardOutput.Trim(), StandardError.Trim() }.Where(s => s.Length > 0));
}

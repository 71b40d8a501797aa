namespace Sluice.Build;

public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Verbose,
}

public enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}

public enum PlanFormat
{
    Text,
    Html,
}

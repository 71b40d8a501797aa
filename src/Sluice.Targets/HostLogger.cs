using Microsoft.Extensions.Logging;
using Sluice.Build;
using BuildLogLevel = Sluice.Build.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sluice.Targets;

/// <summary>Lets library code that logs through <see cref="ILogger"/> write to the build's host (and so through its redaction).</summary>
public sealed class HostLogger(IBuildHost host) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (exception is not null) message += $": {exception.Message}";
        host.Log(logLevel switch
        {
            LogLevel.Trace or LogLevel.Debug => BuildLogLevel.Debug,
            LogLevel.Information => BuildLogLevel.Info,
            LogLevel.Warning => BuildLogLevel.Warning,
            _ => BuildLogLevel.Error,
        }, message);
    }
}

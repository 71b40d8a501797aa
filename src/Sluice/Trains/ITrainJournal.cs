namespace Sluice.Trains;

/// <summary>Where a train is journaled: in every member service's journal (<c>sluice.trains</c> and its members), so
/// each service's Status shows the last train it was part of.</summary>
public interface ITrainJournal
{
    Task RecordStartAsync(TrainRecord train, CancellationToken cancellationToken);

    Task RecordEndAsync(Guid id, TrainOutcome outcome, string detail, CancellationToken cancellationToken);

    /// <summary>The latest train on <paramref name="environment"/>, or null.</summary>
    Task<TrainRecord?> ReadLastAsync(string environment, CancellationToken cancellationToken);
}

/// <summary>How a train ended (or that it is running).</summary>
public enum TrainOutcome
{
    Running,
    Completed,
    RolledBack,
    RollbackFailed,
    Cancelled,
}

/// <summary>A train as journaled: its services, its steps in the order it runs them, who ran it and how it ended.</summary>
public sealed record TrainRecord(Guid Id, string Environment, IReadOnlyList<string> Services, IReadOnlyList<string> Steps, string By,
    DateTimeOffset StartedAt, TrainOutcome Outcome = TrainOutcome.Running, string Detail = "", DateTimeOffset? FinishedAt = null)
{
    /// <summary>For Status: one line, then the steps.</summary>
    public string Render() =>
        $"last train {Id.ToString()[..8]} on {Environment}: {Word(Outcome)}, services {string.Join(", ", Services)}, started {StartedAt:yyyy-MM-dd HH:mm:ss}Z by {By}"
        + (FinishedAt is { } f ? $", ended {f:HH:mm:ss}Z" : "") + (Detail.Length > 0 ? $"\n  {Detail}" : "")
        + "\n" + string.Join("\n", Steps.Select((s, i) => $"  {i + 1,2}. {s}"));

    public static string Word(TrainOutcome outcome) => outcome switch
    {
        TrainOutcome.RolledBack => "rolled_back",
        TrainOutcome.RollbackFailed => "rollback_failed",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}

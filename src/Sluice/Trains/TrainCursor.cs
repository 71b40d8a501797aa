using Sluice.Errors;

namespace Sluice.Trains;

/// <summary>
/// Whose turn it is in a train: steps run one at a time in the planned order, each service's run waiting before its
/// next phase until the step before it (of any service) is done. Stopping it (a step failed) ends every wait with
/// the reason, so the waiting runs stop before their next phase.
/// </summary>
internal sealed class TrainCursor
{
    private readonly TaskCompletionSource[] _turns;

    public TrainCursor(int steps)
    {
        _turns = [.. Enumerable.Range(0, steps + 1).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        _turns[0].TrySetResult();
    }

    /// <summary>Waits until step <paramref name="index"/> may run.</summary>
    public Task TurnAsync(int index, CancellationToken cancellationToken) => _turns[index].Task.WaitAsync(cancellationToken);

    /// <summary>Step <paramref name="index"/> is done: the next may run.</summary>
    public void Done(int index) => _turns[index + 1].TrySetResult();

    public void Stop(string why)
    {
        foreach (var turn in _turns)
            turn.TrySetException(new SluiceException(ErrorKind.Failure, ErrorCodes.TrainFailed, $"the train stopped before this phase: {why}"));
    }
}

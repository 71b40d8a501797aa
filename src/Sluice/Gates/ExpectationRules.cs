namespace Sluice.Gates;

/// <summary>What left the schema an expectation would be recorded from.</summary>
public enum ExpectationOrigin
{
    /// <summary>A Promote that completed.</summary>
    Promote,
    /// <summary>A rollback that reverted phases.</summary>
    Rollback,
    /// <summary>Someone accepted the live schema on purpose (AcceptSchema: who and why).</summary>
    Accepted,
}

/// <summary>
/// Whether the schema a release transition left becomes the drift gate's expectation.
/// <list type="number">
/// <item>A Promote completed: record; the schema it left is the one expected.</item>
/// <item>A rollback reverted phases and the live schema holds objects: record.</item>
/// <item>A rollback reverted phases and the live schema is empty (no objects outside <c>sluice</c>: the service's schema
/// was never loaded, as after a failed first Promote on a new database): record nothing. An empty schema is nothing to
/// compare with, and the first load of the real schema would read as drift and block every Promote.</item>
/// <item>Accepted by someone, with a reason: record, whatever the schema is; it is a decision, journaled as one.</item>
/// </list>
/// </summary>
public static class ExpectationRules
{
    /// <param name="origin">What left the schema.</param>
    /// <param name="liveObjects">The objects of the live schema outside <c>sluice</c>.</param>
    public static bool Records(ExpectationOrigin origin, int liveObjects) => origin switch
    {
        ExpectationOrigin.Promote => true,
        ExpectationOrigin.Rollback => liveObjects > 0,
        ExpectationOrigin.Accepted => true,
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, null),
    };
}

namespace Sluice.Drills;

/// <summary>
/// A streaming standby of a drill's working copy, on a throwaway primary of the drill's own (never the environment's
/// server or its replica): the <c>lost-primary</c> drill crashes that primary and promotes this standby. The working
/// copy's connection string names both servers (primary first, read-write wanted), so a service started against it
/// follows the promotion without being restarted.
/// </summary>
public interface IDrillStandby
{
    /// <summary>Where it is, without credentials.</summary>
    string Location { get; }

    /// <summary>Returns once the standby has replayed everything the primary had written when it was called.</summary>
    Task WaitForReplayAsync(CancellationToken cancellationToken);

    /// <summary>Crashes the primary (an immediate shutdown: nothing more is sent to the standby); returns what it did.</summary>
    Task<string> LosePrimaryAsync(CancellationToken cancellationToken);

    /// <summary>Promotes the standby to a primary accepting writes; returns what it did.</summary>
    Task<string> PromoteAsync(CancellationToken cancellationToken);
}

namespace Sluice.Migrations.Leases;

/// <summary>What a runner does with an environment's lease, given what it finds when it asks for it.</summary>
public enum LeaseClaimOutcome
{
    /// <summary>Nobody held it: take it.</summary>
    Acquire,
    /// <summary>A dead holder's row is still there: replace it and journal the takeover.</summary>
    TakeOver,
    /// <summary>Someone may still be acting: refuse (exit 3), naming the holder.</summary>
    Busy,
}

/// <summary>The decision, with the words the journal or the busy error uses for it.</summary>
/// <param name="Reason">Why: for a takeover, why the old holder is dead; for busy, the remedy.</param>
public sealed record LeaseClaimDecision(LeaseClaimOutcome Outcome, string Reason);

/// <summary>
/// Whether a runner may take an environment's lease. Two locks cover each other's blind spots: the session-level
/// advisory lock dies with its holder's session, and the lease row names the holder and the backend of its session.
/// <list type="number">
/// <item>The advisory lock is held by another session: busy; the holder is alive and acting.</item>
/// <item>The lock is free and there is no lease row: acquire.</item>
/// <item>The lock is free and the row's backend no longer exists (the holder was killed, its session is provably
/// gone): take over at once, whatever the row's expiry says.</item>
/// <item>The lock is free and the row's heartbeat expired: take over (a holder silent for a whole time to live is dead).</item>
/// <item>The lock is free, the row is not expired and its backend is still connected or cannot be told (a row from a
/// Sluice that did not record it): busy until the row expires; a holder whose lock went but whose session may still
/// act keeps the environment until then.</item>
/// </list>
/// </summary>
public static class LeaseClaim
{
    /// <param name="lockFree">The advisory lock was free (and is now ours).</param>
    /// <param name="existing">The lease row found, with <see cref="LeaseHolder.SessionGone"/> judged by the database; null when none.</param>
    /// <param name="expired">The row's expiry is past, by the database's clock.</param>
    public static LeaseClaimDecision Decide(bool lockFree, LeaseHolder? existing, bool expired)
    {
        if (!lockFree)
            return new(LeaseClaimOutcome.Busy, "wait for it to finish (Status shows its progress) and run again");
        if (existing is null)
            return new(LeaseClaimOutcome.Acquire, "the environment had no lease");
        if (existing.SessionGone == true)
            return new(LeaseClaimOutcome.TakeOver, $"its session (backend pid {existing.BackendPid}) is gone");
        if (expired)
            return new(LeaseClaimOutcome.TakeOver, $"silent since {existing.HeartbeatAt:u}, expired {existing.ExpiresAt:u}");
        return new(LeaseClaimOutcome.Busy, existing.SessionGone == false
            ? $"its session (backend pid {existing.BackendPid}) is still connected though it no longer holds the lock; its lease runs until {existing.ExpiresAt:u}; run again after that to take it over, or end that session"
            : $"its session is gone but its lease runs until {existing.ExpiresAt:u}; run again after that to take it over");
    }
}

namespace Sluice.Rehearsal.Traffic;

/// <summary>One statement shape as the rehearsal replayed it.</summary>
/// <param name="RecordedPerSecond">Production's rate, from the profile.</param>
/// <param name="TargetPerSecond">The rate aimed at: the recorded one, within the replay's bound.</param>
/// <param name="AchievedPerSecond">Calls made over the time the replay ran.</param>
/// <param name="Calls">Calls made (each in a transaction rolled back, so the data stays as the phases left it).</param>
/// <param name="Errors">Calls the server refused (a phase's lock timeout, a constraint, a statement that no longer fits the schema).</param>
/// <param name="Unbound">Parameters no column of the synthetic data could be found for, filled from their type alone.</param>
public sealed record ReplayRate(string Id, string Query, double RecordedPerSecond, double TargetPerSecond, double AchievedPerSecond, long Calls, long Errors, int Unbound)
{
    /// <summary>Achieved over target (1 is on rate).</summary>
    public double Ratio => TargetPerSecond <= 0 ? 1 : AchievedPerSecond / TargetPerSecond;
}

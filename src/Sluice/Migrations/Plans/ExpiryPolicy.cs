namespace Sluice.Migrations.Plans;

/// <summary>What the scheduled pipeline does with a plan half-applied past its <c>max_partial_state</c> (plan.yaml's
/// <c>on_expiry</c>; default <see cref="Alert"/>: nothing changes unless its author said so).</summary>
public enum ExpiryPolicy
{
    /// <summary>Run the remaining phases.</summary>
    Complete,
    /// <summary>Revert the applied phases.</summary>
    Rollback,
    /// <summary>Change nothing; journal it and fail, so someone decides.</summary>
    Alert,
}

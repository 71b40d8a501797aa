namespace Sluice.Migrations.Leases;

/// <summary>The SLU040-SLU049 codes of the lease, the journal and running phases (and SLU118); ErrorCodes.md describes each.</summary>
public static class LeaseErrorCodes
{
    public const string Busy = "SLU040";
    public const string LockTimeoutExhausted = "SLU041";
    public const string VerifyFailed = "SLU042";
    public const string Incomplete = "SLU043";
    public const string JournalTooNew = "SLU044";
    public const string PhaseFailed = "SLU045";
    public const string LeaseLost = "SLU046";
    public const string Irreversible = "SLU047";
    public const string RollbackLeftChanges = "SLU048";

    /// <summary>A rollback ran every down but data of a table the plan touched is gone (outside this block: SLU040-SLU049 is full).</summary>
    public const string RollbackLostData = "SLU105";
    public const string ScriptLeftTransaction = "SLU118";
}

namespace Sluice.Gates;

/// <summary>Error codes of gates, approvals, promotion and rollback (SLU070-SLU079, see Errors/ErrorCodes.md).</summary>
public static class GateErrorCodes
{
    public const string Blocked = "SLU070";
    public const string BadCalendar = "SLU071";
    public const string SelfApproval = "SLU072";
    public const string MissingApprover = "SLU073";
    public const string PromoteFailed = "SLU074";
    public const string RollbackFailed = "SLU075";
    public const string BadGateSettings = "SLU076";
}

namespace Sluice.Migrations.Plans;

/// <summary>The SLU020-SLU039 codes of migration plans, SLU100, SLU106 (a lint finding) and SLU115-SLU117 for what a plan's SQL may not do; ErrorCodes.md describes each.</summary>
public static class PlanErrorCodes
{
    public const string NotYaml = "SLU020";
    public const string UnknownKey = "SLU021";
    public const string MissingKey = "SLU022";
    public const string BadValue = "SLU023";
    public const string BadDuration = "SLU024";
    public const string MissingFile = "SLU025";
    public const string NoWayBack = "SLU026";
    public const string DuplicatePhase = "SLU027";
    /// <summary>Retired: an id must equal its folder's name (<see cref="IdNotFolderName"/>), so two plans cannot share one.</summary>
    public const string DuplicatePlan = "SLU028";
    public const string ContractBeforeExpand = "SLU029";
    public const string BadBackfill = "SLU030";
    public const string BadFlag = "SLU031";
    public const string PlanChanged = "SLU032";
    public const string NoService = "SLU033";
    public const string AmbiguousService = "SLU034";
    public const string UnknownMigration = "SLU035";
    public const string IdNotFolderName = "SLU100";

    /// <summary>A lint finding: a statement destroys data its phase's down cannot bring back, and the phase is not irreversible.</summary>
    public const string DataNotRestorable = "SLU106";
    public const string TransactionControl = "SLU115";
    public const string TransactionLeftOpen = "SLU116";
    public const string ClusterStatement = "SLU117";
}

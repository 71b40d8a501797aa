namespace Sluice.Rehearsal.Profiles;

/// <summary>Error codes of data profiles, synthetic data and rehearsals (see ErrorCodes.md).</summary>
public static class RehearsalErrorCodes
{
    /// <summary>A data profile file is missing or not a valid profile.</summary>
    public const string BadProfile = "SLU060";
    /// <summary>The profile does not match the schema it should fill (a table or column is missing).</summary>
    public const string ProfileMismatch = "SLU061";
    /// <summary>The generator cannot honour part of the schema (a type, a multi-column check, a foreign-key cycle).</summary>
    public const string Unsupported = "SLU062";
    /// <summary>The service's sluice.yaml is not valid.</summary>
    public const string BadServiceConfig = "SLU063";
    /// <summary>A rehearsal found an error (a phase that is not idempotent or reversible, a rewrite under lock, ...).</summary>
    public const string RehearsalFailed = "SLU064";
    /// <summary>Profile read a database without a single user table (the wrong database, most likely).</summary>
    public const string EmptyDatabase = "SLU125";
}

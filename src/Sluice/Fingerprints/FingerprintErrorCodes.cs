namespace Sluice.Fingerprints;

/// <summary>The SLU050-SLU059 codes of fingerprints, diffs and snapshots; ErrorCodes.md describes each.</summary>
public static class FingerprintErrorCodes
{
    public const string SnapshotNotFound = "SLU050";
    public const string ManifestUnreadable = "SLU051";
    public const string FileHashMismatch = "SLU052";
    public const string FileMissingOrResized = "SLU053";
    public const string DumpFailed = "SLU054";
    public const string RestoreFailed = "SLU055";
    public const string FingerprintMismatch = "SLU056";
    public const string RestoreRefused = "SLU057";
    public const string DatabasesDiffer = "SLU058";
    public const string BadSource = "SLU059";
}

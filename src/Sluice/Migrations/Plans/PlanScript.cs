namespace Sluice.Migrations.Plans;

/// <summary>A SQL file a plan names, read once at load time so the hash and the run see the same text.</summary>
/// <param name="FileName">The name as written in plan.yaml, relative to the plan folder.</param>
/// <param name="Path">The full path it was read from.</param>
/// <param name="Sql">Its contents.</param>
public sealed record PlanScript(string FileName, string Path, string Sql);

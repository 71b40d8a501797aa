namespace Sluice.Build;

/// <summary>
/// A build target, declared as a property: <c>Target Compile => _ => _.Executes(...)</c>.
/// The delegate receives an empty definition and returns it configured; the engine calls it once per run.
/// </summary>
public delegate ITargetDefinition Target(ITargetDefinition definition);

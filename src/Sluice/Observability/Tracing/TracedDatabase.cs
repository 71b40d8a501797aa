namespace Sluice.Observability.Tracing;

/// <summary>What a span says about the database it acts on: <c>db.system.name</c> (the provider's, <c>postgresql</c>)
/// and <c>db.namespace</c> (the database's name, never its address or credentials).</summary>
public sealed record TracedDatabase(string System, string Namespace);

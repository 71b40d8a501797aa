namespace Sluice.Postgres.Rehearsal;

/// <summary>What one statement of a phase did: its time, the table locks its transaction held after it, the tables it rewrote.</summary>
internal sealed record StatementRun(string Text, int Line, TimeSpan Duration, IReadOnlyList<(string Table, string Mode)> Locks, IReadOnlyList<string> Rewritten);

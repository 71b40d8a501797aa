namespace Sluice.Rehearsal.Predictions;

/// <summary>A table's rows in the profile (production) and in the rehearsal's synthetic data.</summary>
/// <param name="Table">Schema-qualified, unquoted (<c>public.orders</c>).</param>
public sealed record TableRows(string Table, long Profiled, long Synthetic);

/// <summary>One piece of a phase's measured work on synthetic data: a statement, or a backfill's batches.</summary>
/// <param name="What">What it was (a statement's first line, or "batches"), for the basis of the prediction.</param>
/// <param name="Tables">The tables it locked, rewrote or walked, schema-qualified and unquoted.</param>
/// <param name="Data">It read or wrote the tables' rows (a rewrite, DML, an index build, a scan that validates);
/// false when it changed only the catalog, which takes as long on a table of any size.</param>
public sealed record MeasuredWork(string What, TimeSpan Duration, IReadOnlyList<string> Tables, bool Data);

/// <summary>A phase's production duration as predicted from its measured work.</summary>
/// <param name="Basis">How each piece was scaled (<c>batches on public.orders: 1.2 s x 10.0</c>), in order.</param>
public sealed record PhasePrediction(TimeSpan Predicted, IReadOnlyList<string> Basis);

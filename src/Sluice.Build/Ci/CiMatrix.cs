namespace Sluice.Build.Ci;

/// <summary>
/// A job run once per cell, side by side, each cell setting environment variables of the run step (one version of a
/// server the tests start, say). GitHub writes <c>strategy.matrix</c> (one <c>include</c> entry per cell, no
/// fail-fast: one version's failure must not hide another's), Azure <c>strategy: matrix</c>. Only for jobs that act on
/// no environment: a deployment happens once.
/// </summary>
/// <param name="Name">What the cells vary (<c>server</c>); shown in each run's name beside the cell's label.</param>
/// <param name="Cells">The cells in order; labels unique.</param>
public sealed record CiMatrix(string Name, IReadOnlyList<CiMatrixCell> Cells);

/// <summary>One cell of a <see cref="CiMatrix"/>: its label (<c>16</c>) and the variables its run step gets.</summary>
public sealed record CiMatrixCell(string Label, IReadOnlyDictionary<string, string> Variables);

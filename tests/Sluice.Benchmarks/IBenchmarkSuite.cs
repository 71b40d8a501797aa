namespace Sluice.Benchmarks;

/// <summary>
/// One group of measurements. Each suite measures its subject and a baseline in the same run and prints
/// times and ratios, so figures compare on whatever machine runs them.
/// </summary>
public interface IBenchmarkSuite
{
    /// <summary>Short name used on the command line: <c>dotnet run -- NAME</c>.</summary>
    string Name { get; }

    string Description { get; }

    Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}

/// <param name="RepositoryRoot">The repository root (the folder holding <c>.nuke/</c>).</param>
/// <param name="Output">Where results are printed.</param>
/// <param name="Large">True when the caller asked for the large variants (for example 10M rows).</param>
public sealed record BenchmarkContext(string RepositoryRoot, TextWriter Output, bool Large)
{
    /// <summary>The command line as given, for suites with options of their own (<c>--name=value</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

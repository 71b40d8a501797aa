namespace Sluice.Build;

/// <summary>
/// A parameter's value before conversion, with where it came from so an error can name the source:
/// the command line, an environment variable, or a line of a parameters file.
/// </summary>
/// <param name="Texts">Scalar values (one for scalars, several for arrays); empty for a bare flag.</param>
/// <param name="Json">For values from a parameters file: the JSON text of the value, used for structured parameters.</param>
/// <param name="Source">Human-readable origin: <c>--time-budget</c>, <c>SLUICE_TIME_BUDGET</c>, <c>.nuke/parameters.staging.json</c>.</param>
/// <param name="File">The file, when the value came from one.</param>
/// <param name="Line">The 1-based line of the value in <paramref name="File"/>.</param>
internal sealed record RawValue(IReadOnlyList<string> Texts, string? Json, string Source, string? File = null, int? Line = null)
{
    public string Where => File is null ? Source : $"{File}:{Line}";
}

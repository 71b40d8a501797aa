namespace Sluice.Testing.Browser;

/// <summary>An SVG element as laid out: its size and how many of its marks (rect, line, text) have a non-zero box.</summary>
public sealed record RenderedSvg(double Width, double Height, int VisibleMarks);

/// <summary>What a page did in the browser.</summary>
/// <param name="Requests">Every URL the page requested, its own included.</param>
/// <param name="Errors">Console errors, uncaught exceptions and browser log errors (a CSP violation lands here).</param>
/// <param name="Text">The page's visible text.</param>
/// <param name="Screenshot">The full page as PNG.</param>
public sealed record PageVisit(
    IReadOnlyList<string> Requests,
    IReadOnlyList<string> Errors,
    IReadOnlyList<RenderedSvg> Svgs,
    int TableRows,
    string Text,
    string Screenshot);

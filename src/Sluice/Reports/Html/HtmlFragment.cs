using System.Globalization;
using System.Net;

namespace Sluice.Reports.Html;

/// <summary>
/// A piece of markup that is safe to put in a page. Text becomes markup only through <see cref="Text"/>, the one
/// HTML encoder every report component uses, so no caller can forget to escape a table name or a statement.
/// </summary>
public sealed record HtmlFragment
{
    private HtmlFragment(string markup) => Markup = markup;

    public string Markup { get; }

    public static HtmlFragment Empty { get; } = new("");

    /// <summary>Encodes text (element content and attribute values alike: quotes are encoded too).</summary>
    public static HtmlFragment Text(string? text) => new(WebUtility.HtmlEncode(text ?? ""));

    /// <summary>Text formatted with the invariant culture, so a report reads the same on every runner.</summary>
    public static HtmlFragment Format(FormattableString text) => Text(text.ToString(CultureInfo.InvariantCulture));

    public static HtmlFragment Join(string separator, IEnumerable<HtmlFragment> parts) => new(string.Join(Text(separator).Markup, parts.Select(p => p.Markup)));

    public static HtmlFragment Concat(params IEnumerable<HtmlFragment> parts) => new(string.Concat(parts.Select(p => p.Markup)));

    /// <summary><c>&lt;tag class="..."&gt;content&lt;/tag&gt;</c>; the tag and class names are the components' own, never input.</summary>
    public static HtmlFragment Element(string tag, HtmlFragment content, string? cssClass = null) =>
        new($"<{tag}{(cssClass is null ? "" : $" class=\"{Text(cssClass).Markup}\"")}>{content.Markup}</{tag}>");

    public static HtmlFragment Element(string tag, string text, string? cssClass = null) => Element(tag, Text(text), cssClass);

    // Only the components in this namespace assemble markup of their own (SVG, the page's head).
    internal static HtmlFragment Trusted(string markup) => new(markup);

    public override string ToString() => Markup;
}

namespace Sluice.Reports.Html;

/// <summary>
/// A self-contained page: inline CSS, inline SVG, no script, and a content security policy that forbids fetching
/// anything, so a report opened from an artifact or a mail attachment shows the same offline and leaks nothing.
/// </summary>
public static class HtmlPage
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1f2328;line-height:1.45}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
        .passed{color:#1a7f37}.failed{color:#cf222e}.muted{color:#59636e}
        div.wide{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
        th{background:#f6f8fa}td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;background:#f6f8fa;padding:.05rem .25rem;border-radius:3px}
        ul.findings{list-style:none;padding:0}ul.findings li{border-left:4px solid #d0d7de;padding:.3rem .7rem;margin:.5rem 0;background:#fbfcfd}
        li.error{border-color:#cf222e!important}li.warning{border-color:#bf8700!important}li.info{border-color:#0969da!important}
        .severity{font-weight:600;text-transform:uppercase;font-size:.75rem;margin-right:.4rem}
        figure{margin:1rem 0}figcaption{font-size:.85rem;color:#59636e}svg text{font-family:inherit;font-size:12px;fill:#1f2328}
        """;

    /// <summary>The whole document; <paramref name="title"/> is text, <paramref name="body"/> markup from the components.</summary>
    public static string Render(string title, IEnumerable<HtmlFragment> body) =>
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{HtmlFragment.Text(title)}</title>
        <style>{Style}</style></head>
        <body>
        {HtmlFragment.Concat(body)}
        </body></html>

        """;

    /// <summary>A titled section: an <c>h2</c> and its content.</summary>
    public static HtmlFragment Section(string heading, params IEnumerable<HtmlFragment> content) =>
        HtmlFragment.Element("section", HtmlFragment.Concat([HtmlFragment.Element("h2", heading), .. content]));
}

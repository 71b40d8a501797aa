using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Errors;

/// <summary>
/// The one place a YAML file Sluice reads is parsed: whatever YamlDotNet throws on bad text (its own
/// <see cref="YamlException"/>, and the odd <see cref="InvalidOperationException"/> its scanner raises on some
/// damaged input) becomes a usage error with the file and the line the parser had reached.
/// </summary>
public static class YamlInput
{
    /// <param name="text">The file's text.</param>
    /// <param name="file">The file, for the error.</param>
    /// <param name="code">The SLU code of a file of this kind that is not YAML.</param>
    /// <param name="what">How the message names the file (<c>plan.yaml</c>).</param>
    /// <param name="remedy">How to fix it.</param>
    public static YamlStream Load(string text, string file, string code, string what, string remedy)
    {
        var scanner = new Scanner(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            throw SluiceException.Usage(code, $"{what} is not valid YAML: {e.InnerException?.Message ?? e.Message}", remedy, file, LineOf(e.Start, text), e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw SluiceException.Usage(code, $"{what} is not valid YAML: the parser stopped ({e.Message})", remedy, file, LineOf(scanner.CurrentPosition, text), e);
        }
        return stream;
    }

    /// <summary>
    /// The mark's line, kept inside the file: at the end of the text YamlDotNet's mark can stand on the line after
    /// the last one, which no editor shows.
    /// </summary>
    private static int LineOf(Mark mark, string text) => Math.Clamp((int)mark.Line, 1, LineCount(text));

    /// <summary>Lines as YamlDotNet counts them: CR LF, CR, LF, NEL, LS and PS each end one.</summary>
    private static int LineCount(string text)
    {
        var lines = 1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            if (text[i] is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029') lines++;
        }
        return lines;
    }
}

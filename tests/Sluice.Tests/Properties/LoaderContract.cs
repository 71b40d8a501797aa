using Sluice.Errors;

namespace Sluice.Tests.Properties;

/// <summary>
/// What every loader promises for any input: it loads, or it throws a usage <see cref="SluiceException"/> with an
/// SLU code, the file and a line inside that file (which the engine turns into exit 2). Anything else escapes.
/// </summary>
internal static class LoaderContract
{
    /// <returns>"loaded", or the code it failed with: the tests print how the cases spread.</returns>
    public static string LoadsOrFailsCleanly(Action load, Func<string, int> linesOf)
    {
        try
        {
            load();
            return "loaded";
        }
        catch (SluiceException e)
        {
            Assert.True(e.Kind == ErrorKind.Usage, $"not a usage error: {e}");
            Assert.Matches("^SLU[0-9]{3}$", e.Code);
            Assert.False(string.IsNullOrEmpty(e.File), $"no file: {e}");
            Assert.True(e.Line is >= 1, $"no line: {e}");
            Assert.True(e.Line <= Math.Max(1, linesOf(e.File!)), $"line {e.Line} is past the end of {e.File} ({linesOf(e.File!)} lines): {e}");
            Assert.False(string.IsNullOrWhiteSpace(e.Remedy), $"no remedy: {e}");
            return e.Code;
        }
    }

    /// <summary>Lines as an editor numbers them (a final line without a newline counts; CR alone ends a line too).</summary>
    public static int Lines(string path)
    {
        if (!File.Exists(path)) return Directory.Exists(path) ? 1 : 0;
        var text = File.ReadAllText(path);
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r', '\u2028', '\u2029', '\u0085').Length;
    }
}

namespace Sluice.Testing.Mutations;

/// <summary>
/// One fixture of <c>tests/Fixtures/bad-*/&lt;kind&gt;/</c>: input files with one mistake and an <c>expected.txt</c>
/// holding <c>CODE FILE:LINE MENTION</c> (the file relative to where the test puts the fixture, and words the message
/// must contain). The folder name is the kind of mistake.
/// </summary>
/// <param name="Family">The fixture family: <c>bad-plans</c>, <c>bad-environments</c>, ...</param>
/// <param name="Kind">The fixture folder's name.</param>
/// <param name="Folder">The fixture folder.</param>
public sealed record BadInput(string Family, string Kind, string Folder, string Code, string File, int Line, string Mentions)
{
    public const string ExpectedFile = "expected.txt";

    public override string ToString() => $"{Family}/{Kind}";

    public static BadInput Read(string folder)
    {
        var text = System.IO.File.ReadAllText(Path.Combine(folder, ExpectedFile)).Trim();
        var parts = text.Split(' ', 3);
        var where = parts[1].LastIndexOf(':');
        return new BadInput(Path.GetFileName(Path.GetDirectoryName(folder))!, Path.GetFileName(folder), folder, parts[0],
            parts[1][..where], int.Parse(parts[1][(where + 1)..], System.Globalization.CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : "");
    }

    /// <summary>Every fixture of one family, by kind.</summary>
    public static IReadOnlyList<BadInput> Of(string repositoryRoot, string family) =>
        Directory.EnumerateDirectories(Path.Combine(repositoryRoot, "tests", "Fixtures", family)).Order(StringComparer.Ordinal).Select(Read).ToList();
}

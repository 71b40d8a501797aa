using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Lint.Parser;

/// <summary>
/// PostgreSQL's parser as the npm package <c>libpg-query</c> ships it (the server's grammar in WebAssembly), run by
/// Node.js: one <c>node</c> process parses every script of a run. The bridge script and the pinned package lock are
/// embedded in this assembly; on first use they are written to the tools folder (<c>SLUICE_TOOLS</c>, else
/// <c>~/.local/share/sluice/pg-parser-&lt;version&gt;</c>) and the package is installed there with <c>npm ci</c>.
/// No Node.js, or an install that fails, is <c>SLU160</c> with the command to run; never a silent skip.
/// </summary>
/// <param name="toolsFolder">Where the parser is installed (default above).</param>
/// <param name="node">The Node.js executable (default <c>node</c> on the PATH).</param>
public sealed class PgQueryParser(string? toolsFolder = null, string node = "node") : ISqlParser
{
    public const string PackageVersion = "18.1.5";
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>Where the parser is installed.</summary>
    public string ToolsFolder { get; } = toolsFolder ?? DefaultFolder();

    private static string DefaultFolder() =>
        Environment.GetEnvironmentVariable("SLUICE_TOOLS") is { Length: > 0 } tools ? Path.Combine(tools, $"pg-parser-{PackageVersion}")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "sluice", $"pg-parser-{PackageVersion}");

    public async Task<IReadOnlyList<ParsedScript>> ParseAsync(IReadOnlyList<PlanScript> scripts, CancellationToken cancellationToken)
    {
        if (scripts.Count == 0) return [];
        await EnsureInstalledAsync(cancellationToken);
        var (code, output, error) = await RunAsync(node, [Path.Combine(ToolsFolder, "parse.cjs"), Path.Combine(ToolsFolder, "node_modules")],
            JsonSerializer.Serialize(scripts.Select(s => s.Sql)), cancellationToken);
        if (code != 0)
            throw SluiceException.Usage(ErrorCodes.ParserFailed, $"PostgreSQL's parser (node) exited {code}: {Last(error)}", $"reinstall it: delete {ToolsFolder} and run again");
        JsonElement results;
        try
        {
            results = JsonDocument.Parse(output).RootElement;
        }
        catch (JsonException e)
        {
            throw SluiceException.Usage(ErrorCodes.ParserFailed, $"PostgreSQL's parser answered something that is not JSON: {e.Message}", $"reinstall it: delete {ToolsFolder} and run again");
        }
        return [.. scripts.Select((script, i) => Read(script, results[i]))];
    }

    private static ParsedScript Read(PlanScript script, JsonElement result)
    {
        var sql = script.Sql;
        if (result.TryGetProperty("error", out var error))
        {
            var offset = Math.Clamp(error.GetProperty("offset").GetInt32(), 0, sql.Length);
            throw SluiceException.Usage(ErrorCodes.SqlSyntax, $"{script.FileName} does not parse: {error.GetProperty("message").GetString()}",
                "fix the statement (PostgreSQL's own grammar read it; the server would refuse it too)", script.Path, LineAt(sql, offset));
        }
        var statements = new List<ParsedStatement>();
        foreach (var s in result.GetProperty("statements").EnumerateArray())
        {
            int lead = s.GetProperty("lead").GetInt32(), code = s.GetProperty("code").GetInt32(), end = s.GetProperty("end").GetInt32();
            statements.Add(new ParsedStatement(LineAt(sql, code), sql[code..end].Trim(), sql[lead..code], s.GetProperty("stmt").Clone()));
        }
        return new ParsedScript(script, statements);
    }

    private static int LineAt(string sql, int offset) => 1 + sql.AsSpan(0, offset).Count('\n');

    private static string Last(string text) => text.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";

    private async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var marker = Path.Combine(ToolsFolder, "node_modules", "libpg-query", "package.json");
        if (File.Exists(marker) && File.Exists(Path.Combine(ToolsFolder, "parse.cjs"))) return;
        await Installing.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(ToolsFolder);
            // Another process may install into the same folder: the lock file makes them take turns.
            await using var turn = await TakeTurnAsync(Path.Combine(ToolsFolder, ".install.lock"), cancellationToken);
            foreach (var name in new[] { "parse.cjs", "package.json", "package-lock.json" }) await WriteResourceAsync(name, cancellationToken);
            if (File.Exists(marker)) return;
            var (code, output, error) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", ToolsFolder], null, cancellationToken);
            if (code != 0 || !File.Exists(marker))
                throw SluiceException.Usage(ErrorCodes.ParserMissing, $"could not install PostgreSQL's parser (npm ci of libpg-query {PackageVersion} in {ToolsFolder} exited {code}): {Last(error + output)}",
                    $"check that npm reaches its registry, then run: npm ci --prefix {ToolsFolder}");
        }
        finally
        {
            Installing.Release();
        }
    }

    private static async Task<FileStream> TakeTurnAsync(string file, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private async Task WriteResourceAsync(string name, CancellationToken cancellationToken)
    {
        await using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Sluice.Lint.Parser.{name}")
            ?? throw new InvalidOperationException($"the resource {name} is not embedded");
        await using var file = File.Create(Path.Combine(ToolsFolder, name));
        await resource.CopyToAsync(file, cancellationToken);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, string[] arguments, string? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw SluiceException.Usage(ErrorCodes.ParserMissing, $"'{file}' is not installed ({e.Message}): lint reads SQL with PostgreSQL's parser, which runs on Node.js",
                "install Node.js 20 and npm (apt-get install -y nodejs npm, or brew install node), then run again");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            if (input is not null) await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}

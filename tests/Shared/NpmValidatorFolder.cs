using System.Diagnostics;

namespace Sluice.Testing;

/// <summary>
/// A folder of npm-installed validators under <c>tests/validators</c>: installed once per test run with
/// <c>npm ci</c> when <paramref name="marker"/> is missing, and its tools run with their output. A missing Node.js or
/// a failed install fails the test with the install command, never skips it. Linked into the test projects that use it.
/// </summary>
/// <param name="folder">The folder holding package.json and package-lock.json.</param>
/// <param name="marker">A file that exists once the packages are installed.</param>
/// <param name="what">How messages name the packages.</param>
internal sealed class NpmValidatorFolder(string folder, string marker, string what)
{
    private readonly SemaphoreSlim _install = new(1, 1);
    private bool _installed;

    public string Folder => folder;

    public async Task EnsureInstalledAsync(CancellationToken ct)
    {
        await _install.WaitAsync(ct);
        try
        {
            if (_installed) return;
            if (!File.Exists(marker))
            {
                var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], ct);
                if (code != 0 || !File.Exists(marker))
                    throw new Xunit.Sdk.XunitException($"could not install {what} (npm ci in {folder} exited {code}); install Node.js 20 and npm (apt-get install -y nodejs npm) and run again.\n{output}");
            }
            _installed = true;
        }
        finally
        {
            _install.Release();
        }
    }

    /// <summary>Runs <paramref name="file"/> in the folder; its exit code and its standard output then error.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"'{file}' is not installed ({e.Message}): install Node.js 20 and npm (apt-get install -y nodejs npm)");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}

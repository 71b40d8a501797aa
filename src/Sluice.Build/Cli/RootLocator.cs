namespace Sluice.Build;

/// <summary>The build root: <c>--root</c>, <c>SLUICE_ROOT</c>, or the nearest folder at or above the working directory holding <c>.nuke/</c>.</summary>
internal static class RootLocator
{
    public static AbsolutePath Find(CommandLine commandLine, RunSettings settings)
    {
        string? given = null;
        if (commandLine.Options.TryGetValue("root", out var raw) && raw.Texts.Count == 1) given = raw.Texts[0];
        else if (settings.EnvironmentVariables.TryGetValue("SLUICE_ROOT", out var fromEnv) && fromEnv.Length > 0) given = fromEnv;

        if (given is not null)
        {
            var full = Path.GetFullPath(given, settings.WorkingDirectory);
            if (!Directory.Exists(full))
                throw new UsageException(EngineErrorCodes.BadParameter, $"parameter --root: folder '{given}' does not exist", "pass an existing folder");
            return new AbsolutePath(full);
        }

        for (var dir = new DirectoryInfo(settings.WorkingDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".nuke"))) return new AbsolutePath(dir.FullName);

        throw new UsageException(EngineErrorCodes.BadParameter, $"no .nuke folder at or above {settings.WorkingDirectory}",
            "run from inside the repository, or pass --root");
    }
}

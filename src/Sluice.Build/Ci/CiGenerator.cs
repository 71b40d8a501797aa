namespace Sluice.Build.Ci;

/// <summary>Every CI file a build's pipelines produce, as (relative path, content); <c>GenerateCi</c> writes them and a test compares them.</summary>
public static class CiGenerator
{
    public static IReadOnlyList<(string Path, string Content)> Generate(SluiceBuild build, AbsolutePath root)
    {
        build.Root = root; // a build may declare its pipelines from the repository's files (one job per environment of a kind)
        var context = new CiContext(
            TargetCatalog.Discover(build),
            ParameterDescriptor.Discover(build.GetType()).Where(p => p.IsSecret).ToList(),
            EnvironmentProfiles.Discover(root).Names);
        var files = new List<(string, string)>();
        var first = true;
        var pipelines = build.CiPipelines.ToList();
        foreach (var pipeline in pipelines)
        {
            files.Add((GitHubWorkflowWriter.Path(pipeline), GitHubWorkflowWriter.Write(pipeline, context)));
            files.AddRange(AzurePipelineWriter.Write(pipeline, context, first));
            first = false;
        }
        if (pipelines.Count > 0) files.Add((CiSetupChecklist.Path, CiSetupChecklist.Write(pipelines, context)));
        return files;
    }

    /// <summary>Writes the files under <paramref name="root"/>; returns the paths that changed.</summary>
    public static IReadOnlyList<string> Write(SluiceBuild build, AbsolutePath root)
    {
        var changed = new List<string>();
        foreach (var (path, content) in Generate(build, root))
        {
            var full = System.IO.Path.Combine(root.Value, path);
            if (File.Exists(full) && File.ReadAllText(full) == content) continue;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            changed.Add(path);
        }
        return changed;
    }
}

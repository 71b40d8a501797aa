using Sluice.Build;

namespace Sluice.Targets;

/// <summary><c>GenerateSchema</c> writes <c>.nuke/build.schema.json</c> from the build's targets and parameters, for
/// editors that complete <c>.nuke/parameters*.json</c>.</summary>
public interface IGenerateSchema : ISluiceBuild
{
    Target GenerateSchema => _ => _
        .Description("Writes .nuke/build.schema.json from the build's parameters")
        .Executes(() =>
        {
            string path = Root / BuildSchema.RelativePath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, BuildSchema.Generate(GetType(), TargetCatalog.Discover(this)));
            Host.Info($"wrote {BuildSchema.RelativePath}");
        });
}

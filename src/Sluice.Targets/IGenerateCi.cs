using Sluice.Build;
using Sluice.Build.Ci;

namespace Sluice.Targets;

/// <summary><c>GenerateCi</c> (re)writes <c>.github/workflows/*.yml</c> and <c>azure-pipelines*.yml</c> from the build's
/// <see cref="SluiceBuild.CiPipelines"/>, after the schema; commit them (a stale file fails the repository's tests).</summary>
public interface IGenerateCi : IGenerateSchema
{
    Target GenerateCi => _ => _
        .Description("Writes .github/workflows/*.yml and azure-pipelines*.yml from CiPipelines (and the schema)")
        .DependsOn<IGenerateSchema>(x => x.GenerateSchema)
        .Executes(() =>
        {
            var changed = CiGenerator.Write((SluiceBuild)this, Root);
            Host.Info(changed.Count == 0 ? "CI files are current" : $"wrote {string.Join(", ", changed)}");
        });
}

using Sluice.Build;
using Sluice.Secrets;

namespace Sluice.Targets;

/// <summary>The run's secret registry as the domain sees it: every file and journal row a component writes is redacted by it.</summary>
public static class BuildSecrets
{
    public static ISecretRedactor Redactor(this ISluiceBuild build) => new BuildRedactor(build);

    private sealed class BuildRedactor(ISluiceBuild build) : ISecretRedactor
    {
        public string Redact(string text) => build.Redact(text);
    }
}

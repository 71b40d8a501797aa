using Sluice.Build;
using Sluice.Secrets;

namespace Sluice.Targets;

/// <summary>The run's secret registry as the domain sees it: every file and journal row a component writes is redacted
/// by it, and a provider registers what it finds (a connection string) through it.</summary>
public static class BuildSecrets
{
    public static IRunSecrets Redactor(this ISluiceBuild build) => new BuildRedactor(build);

    private sealed class BuildRedactor(ISluiceBuild build) : IRunSecrets
    {
        public string Redact(string text) => build.Redact(text);

        public void Add(string secret) => build.AddSecret(secret);
    }
}

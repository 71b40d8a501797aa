namespace Sluice.Build;

/// <summary>The escaping rules of the CI platforms' logging commands (a message with a newline must not end the command).</summary>
internal static class WorkflowCommandEscaping
{
    /// <summary>GitHub Actions command data: <c>%</c>, CR and LF.</summary>
    public static string GitHubData(string value) =>
        value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    /// <summary>GitHub Actions command properties: the data rules plus <c>:</c> and <c>,</c>.</summary>
    public static string GitHubProperty(string value) =>
        GitHubData(value).Replace(":", "%3A").Replace(",", "%2C");

    /// <summary>Azure Pipelines <c>##vso</c> message: <c>%</c>, CR and LF.</summary>
    public static string AzureData(string value) =>
        value.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");

    /// <summary>Azure Pipelines <c>##vso</c> properties: the data rules plus <c>;</c> and <c>]</c>.</summary>
    public static string AzureProperty(string value) =>
        AzureData(value).Replace(";", "%3B").Replace("]", "%5D");
}

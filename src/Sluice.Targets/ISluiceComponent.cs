using Sluice.Build;
using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Targets;

/// <summary>
/// What every Sluice component shares: the command-line contract's common parameters (DESIGN §1), the environment's
/// definition from <c>.nuke/parameters.&lt;env&gt;.json</c>, and the mapping of Sluice's errors to exit codes.
/// A build implements the components it wants: <c>class Build : SluiceBuild, IProvision, IMigrate</c>.
/// </summary>
public interface ISluiceComponent : ISluiceBuild, IExceptionTranslator
{
    [Parameter("Npgsql connection string; overrides the environment's"), Secret]
    string? Database => this.Parameter<string>();

    [Parameter("Where migration plans live (default: pipelines)")]
    string Pipelines => this.Parameter<string>() ?? "pipelines";

    [Parameter("Which service under the pipelines folder (default: the only one there)")]
    string? Service => this.Parameter<string>();

    [Parameter("How the environment is reached; set as \"environment\" in .nuke/parameters.<env>.json (default: a local cluster)", Name = "Environment")]
    EnvironmentSpec? EnvironmentDefinition => this.Parameter<EnvironmentSpec>();

    BuildException? IExceptionTranslator.Translate(Exception exception) => DomainErrors.Translate(exception);
}

/// <summary>Maps <see cref="SluiceException"/> kinds to the engine's exit codes: usage 2, busy 3, incomplete 4, failure 1.</summary>
public static class DomainErrors
{
    public static BuildException? Translate(Exception exception) => exception switch
    {
        SluiceException { Kind: ErrorKind.Usage } e => new UsageException(e.Code, e.Message, e.Remedy, e.File, e.Line, e),
        SluiceException { Kind: ErrorKind.Busy } e => new EnvironmentBusyException(e.Code, e.Message, e.Remedy, e),
        SluiceException { Kind: ErrorKind.Incomplete } e => new IncompleteException(e.Code, e.Message, e.Remedy, e),
        SluiceException e => new BuildException(ExitCode.TargetFailed, e.Code, e.Message, e.Remedy, e.File, e.Line, e),
        _ => null,
    };
}

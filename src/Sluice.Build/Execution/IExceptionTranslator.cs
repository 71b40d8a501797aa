namespace Sluice.Build;

/// <summary>
/// Implemented by a build (or a component it implements) whose targets call libraries with their own error types:
/// maps such an exception to a <see cref="BuildException"/> so it gets the right exit code and a readable
/// <c>error SLU0xx</c> line. Return null to leave an exception as it is (exit 1).
/// </summary>
public interface IExceptionTranslator
{
    BuildException? Translate(Exception exception);
}

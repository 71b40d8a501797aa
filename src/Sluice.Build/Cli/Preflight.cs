namespace Sluice.Build;

/// <summary>Runs the <c>Validates</c> checks of every target that will run, before any target starts.</summary>
internal static class Preflight
{
    public static async Task RunAsync(ExecutionPlan plan, IExceptionTranslator? translator, CancellationToken cancellationToken)
    {
        foreach (var planned in plan.Targets.Where(t => t.StaticSkip is null))
        foreach (var check in planned.Target.Definition.Checks)
        {
            try
            {
                await check(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var translated = e as BuildException ?? translator?.Translate(e);
                if (translated is { ExitCode: not ExitCode.TargetFailed }) throw translated;
                // A check that fails is bad input (exit 2), but it keeps the code it raised: the printed code is the
                // one raised; SLU007 only for an exception that carries none.
                throw new UsageException(translated?.Code ?? EngineErrorCodes.PreflightFailed, $"{planned.Name}: {translated?.Message ?? e.Message}",
                    "fix the input named above; nothing was touched", translated?.File, translated?.Line, e);
            }
        }
    }
}

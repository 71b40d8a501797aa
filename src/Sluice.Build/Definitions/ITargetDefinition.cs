using System.Linq.Expressions;

namespace Sluice.Build;

/// <summary>
/// The fluent verbs that configure a target, as in NUKE. Relations name other targets either directly
/// (<c>DependsOn(Compile)</c>) or through a component interface (<c>DependsOn&lt;IGate&gt;(x =&gt; x.Gate)</c>).
/// The rules that give these verbs meaning are in <c>Planning.ExecutionPlanner</c> (internal).
/// </summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string description);

    /// <summary>The targets run before this one and are pulled into the plan with it.</summary>
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition DependsOn<TComponent>(params Func<TComponent, Target>[] targets);

    /// <summary>This target runs before the given ones and is pulled into the plan by them.</summary>
    ITargetDefinition DependentFor(params Target[] targets);
    ITargetDefinition DependentFor<TComponent>(params Func<TComponent, Target>[] targets);

    /// <summary>Order only: when both are planned, this one runs after the given ones.</summary>
    ITargetDefinition After(params Target[] targets);
    ITargetDefinition After<TComponent>(params Func<TComponent, Target>[] targets);

    /// <summary>Order only: when both are planned, this one runs before the given ones.</summary>
    ITargetDefinition Before(params Target[] targets);
    ITargetDefinition Before<TComponent>(params Func<TComponent, Target>[] targets);

    /// <summary>The given targets join the plan with this one and run after it when it succeeds.</summary>
    ITargetDefinition Triggers(params Target[] targets);
    ITargetDefinition Triggers<TComponent>(params Func<TComponent, Target>[] targets);

    /// <summary>This target joins the plan when one of the given ones does, and runs after it succeeds.</summary>
    ITargetDefinition TriggeredBy(params Target[] targets);
    ITargetDefinition TriggeredBy<TComponent>(params Func<TComponent, Target>[] targets);

    /// <summary>Conditions evaluated once, before anything runs; false skips the target and what only it needs.</summary>
    ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions);

    /// <summary>Conditions evaluated right before the target would run; false skips it.</summary>
    ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions);

    /// <summary>Parameters (<c>() =&gt; Database</c>) that must have a value, or conditions that must hold, for the target to run.
    /// Checked for every target that will run before any target starts; a violation is a usage error.</summary>
    ITargetDefinition Requires<T>(params Expression<Func<T>>[] requirements);

    /// <summary>When this target fails, targets that do not depend on it still run.</summary>
    ITargetDefinition ProceedAfterFailure();

    /// <summary>This target runs even after another target failed or the run was cancelled.</summary>
    ITargetDefinition AssuredAfterFailure();

    /// <summary>Hidden from <c>--help</c>; still runnable.</summary>
    ITargetDefinition Unlisted();

    /// <summary>A check run for every target that will run, before any target starts (validating input files, for example).
    /// A failing check stops the run as a usage error (exit 2) with nothing touched.</summary>
    ITargetDefinition Validates(Func<CancellationToken, Task> check);

    ITargetDefinition Executes(Action action);
    ITargetDefinition Executes(Action<CancellationToken> action);
    ITargetDefinition Executes(Func<Task> action);
    ITargetDefinition Executes(Func<CancellationToken, Task> action);

    /// <summary>The token is cancelled after this long and the target fails as timed out. CI writers use it for job timeouts.</summary>
    ITargetDefinition Timeout(TimeSpan timeout);

    /// <summary>A failed attempt is retried up to <paramref name="retries"/> more times, waiting <paramref name="delay"/> (default 1 s, doubled each time).</summary>
    ITargetDefinition Retries(int retries, TimeSpan? delay = null);

    /// <summary>The target keeps its own checkpoints: re-running it continues where it stopped.</summary>
    ITargetDefinition Resumable();

    /// <summary>The target acts on the selected environment: it takes the environment's lease for its duration,
    /// and CI writers give its job the environment (approvals, concurrency).</summary>
    ITargetDefinition Environment();

    /// <summary>Named evidence this target writes to <paramref name="path"/> (relative to the root); CI uploads it.</summary>
    ITargetDefinition Produces(string evidence, string path);

    /// <summary>Named evidence this target reads; CI downloads it from the job that produced it.</summary>
    ITargetDefinition Consumes(params string[] evidence);

    /// <summary>Secret parameters (by member name) this target reads; CI gives them only to the jobs that run it.
    /// A target that acts on an environment also reads every secret marked <see cref="SecretAttribute.ReadByEnvironmentTargets"/>.</summary>
    ITargetDefinition ReadsSecrets(params string[] parameters);
}

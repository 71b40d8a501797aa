using System.Text.RegularExpressions;

namespace Sluice.Build.Ci;

/// <summary>
/// Refuses matrices (SLU151) and lifecycle hooks (SLU152) the writers could not write as declared:
///
/// | # | declaration                                                              | why it is refused                                   |
/// |---|--------------------------------------------------------------------------|-----------------------------------------------------|
/// | 1 | a matrix on a job that acts on an environment                            | a deployment happens once, behind one approval      |
/// | 2 | a matrix with no cells, two cells with one label, or a label or name that is not letters, digits, <c>.</c>, <c>_</c>, <c>-</c> | each cell is one run with its own id |
/// | 3 | a cell variable that is not an identifier or is set by the writers, or cells that set different variables | every cell's step reads the same names |
/// | 4 | hooks on a rollback job or a time-budgeted job, or hooks around traffic (<c>PreDeploy</c>, <c>RouteTraffic</c>, <c>PostRouteTraffic</c>) on a job that acts on no environment | hooks belong to one run of one target; traffic belongs to a deployment |
/// | 5 | a hook step whose target does not exist                                  | the step would fail on every run                    |
/// | 6 | a step reverting the failed plan outside <c>OnFailure</c>                | only a failure leaves a plan to revert              |
/// | 7 | two steps of one hook with the same target and label, or a label that is not letters, digits, <c>_</c> | a step's id is its target, label and hook |
/// </summary>
internal static partial class CiJobShapeCheck
{
    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex Label();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    public static void Check(CiPipeline pipeline, IReadOnlyDictionary<CiJob, string> ids, TargetCatalog catalog)
    {
        foreach (var job in pipeline.Jobs)
        {
            var where = $"pipeline {pipeline.Name}: job {ids[job]}";
            if (job.Matrix is { } matrix) CheckMatrix(where, job, matrix);
            if (job.Lifecycle is { } lifecycle) CheckLifecycle(where, job, lifecycle, catalog);
        }
    }

    private static void CheckMatrix(string where, CiJob job, CiMatrix matrix)
    {
        UsageException Refused(string message, string remedy) => new(EngineErrorCodes.BadJobMatrix, $"{where}: {message}", remedy);
        if (job.Environment is not null) throw Refused("a job that acts on an environment cannot run as a matrix", "run the matrix in a job without an environment"); // 1
        if (matrix.Cells.Count == 0) throw Refused($"the matrix '{matrix.Name}' has no cells", "give it one cell per value"); // 2
        if (!Identifier().IsMatch(matrix.Name)) throw Refused($"the matrix name '{matrix.Name}' is not an identifier", "use a letter or _, then letters, digits or _ (server)");
        foreach (var cell in matrix.Cells)
        {
            if (!Label().IsMatch(cell.Label)) throw Refused($"the matrix label '{cell.Label}' is not letters, digits, '.', '_' or '-'", "use a short label such as 16 or 16.4");
            if (matrix.Cells.Count(c => c.Label == cell.Label) > 1) throw Refused($"two matrix cells are labelled '{cell.Label}'", "give each cell its own label");
            foreach (var name in cell.Variables.Keys) // 3
            {
                if (!Identifier().IsMatch(name)) throw Refused($"the matrix variable '{name}' is not an identifier", "use a letter or _, then letters, digits or _ (SERVER_VERSION)");
                if (CiScript.WriterVariables.Contains(name) || name == matrix.Name) throw Refused($"the matrix variable {name} is set by the generated step itself", "choose another name");
            }
            if (!cell.Variables.Keys.Order(StringComparer.Ordinal).SequenceEqual(matrix.Cells[0].Variables.Keys.Order(StringComparer.Ordinal)))
                throw Refused($"the matrix cell '{cell.Label}' sets {string.Join(", ", cell.Variables.Keys)}, the cell '{matrix.Cells[0].Label}' {string.Join(", ", matrix.Cells[0].Variables.Keys)}", "set the same variables in every cell");
        }
    }

    private static void CheckLifecycle(string where, CiJob job, CiLifecycle lifecycle, TargetCatalog catalog)
    {
        UsageException Refused(string message, string remedy) => new(EngineErrorCodes.BadJobLifecycle, $"{where}: {message}", remedy);
        if (job.RunsWhenFailed is not null || job.TimeBudget is not null) // 4
            throw Refused("a rollback job or a time-budgeted job cannot have lifecycle hooks", "drop its RunsWhenFailed or TimeBudget, or the hooks");
        if (job.Environment is null && lifecycle.PreDeploy.Count + lifecycle.RouteTraffic.Count + lifecycle.PostRouteTraffic.Count > 0)
            throw Refused("only a job that acts on an environment has hooks around traffic (PreDeploy, RouteTraffic, PostRouteTraffic)", "give the job an Environment, or use OnSuccess and OnFailure only");
        foreach (var (point, steps) in lifecycle.Hooks)
            foreach (var step in steps)
            {
                if (catalog.Find(step.Target) is null) // 5
                    throw Refused($"the {point.AzureKey()} step's target '{step.Target}' does not exist", "name a target of the build");
                if (step.RevertsFailedPlan && point != CiHookPoint.OnFailure) // 6
                    throw Refused($"the {point.AzureKey()} step {step.Target} reverts the failed plan, but runs before any failure", "put it in OnFailure");
                if (steps.Count(s => s.Target == step.Target && s.Label == step.Label) > 1 || (step.Label is { } label && !Identifier().IsMatch(label))) // 7
                    throw Refused($"the {point.AzureKey()} hook runs {step.Target} twice{(step.Label is null ? "" : $" as '{step.Label}'")}, or under a label that is not an identifier",
                        "run it once per hook with all its arguments, or give each step its own Label (letters, digits, underscores)");
            }
    }
}

namespace Sluice.Build;

/// <summary>Rows S7 and S8: requirements of the targets that will run are checked before any of them starts.</summary>
internal static class RequirementChecker
{
    public static void Check(ExecutionPlan plan, IReadOnlyList<ParameterDescriptor> parameters, IReadOnlyDictionary<string, object?> values)
    {
        var willRun = plan.Targets.Where(t => t.StaticSkip is null).ToList();
        if (willRun.Count == 0) return;

        foreach (var parameter in parameters.Where(p => p.IsRequired))
        {
            if (values.TryGetValue(parameter.MemberName, out var value) && value is not null and not "") continue;
            throw Missing(parameter.MemberName, "the build", parameters);
        }

        foreach (var planned in willRun)
        foreach (var requirement in planned.Target.Definition.Requirements)
        {
            if (!requirement.IsMet()) throw Missing(requirement.Text, planned.Name, parameters);
        }
    }

    private static UsageException Missing(string what, string by, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var parameter = parameters.FirstOrDefault(p => p.MemberName == what);
        return parameter is null
            ? new UsageException(EngineErrorCodes.MissingParameter, $"{by} requires {what}", "make the requirement hold, or skip the target with --skip")
            : new UsageException(EngineErrorCodes.MissingParameter, $"{by} requires parameter --{parameter.OptionName}",
                $"pass --{parameter.OptionName}, set {ParameterNames.EnvironmentVariable(parameter.Name)}, or add \"{parameter.Name}\" to .nuke/parameters.<env>.json"
                + (parameter.IsSecret ? " (it is secret: prefer the variable)" : ""));
    }
}

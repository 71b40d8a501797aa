using System.Text.RegularExpressions;

namespace Sluice.Build.Ci;

/// <summary>
/// Refuses service containers and variables the writers could not write as declared (SLU155):
///
/// | # | declaration                                                      | why it is refused                                  |
/// |---|------------------------------------------------------------------|----------------------------------------------------|
/// | 1 | a service or variable name that is not an identifier             | both dialects take it as a YAML key and an id      |
/// | 2 | two services of one job with the same name                       | one job, one service per id                        |
/// | 3 | a variable the writers set themselves (<see cref="CiScript.WriterVariables"/>) | the job's command depends on their values |
/// | 4 | one container name declared differently by two jobs of a pipeline | Azure declares each container once, for every job |
/// </summary>
internal static partial class CiJobServicesCheck
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    public static void Check(CiPipeline pipeline, IReadOnlyDictionary<CiJob, string> ids)
    {
        var declared = new Dictionary<string, (CiServiceContainer Service, string Job)>();
        foreach (var job in pipeline.Jobs)
        {
            var where = $"pipeline {pipeline.Name}: job {ids[job]}";
            foreach (var service in job.Services)
            {
                if (!Identifier().IsMatch(service.Name))
                    throw Refused($"{where}: the service container name '{service.Name}' is not an identifier", "use a letter or _, then letters, digits or _ (redis, search_index)");
                if (job.Services.Count(s => s.Name == service.Name) > 1)
                    throw Refused($"{where}: two service containers are named '{service.Name}'", "give each service of a job its own name");
                if (declared.TryGetValue(service.Name, out var earlier) && !earlier.Service.SameAs(service))
                    throw Refused($"{where}: the service container '{service.Name}' differs from the one job {earlier.Job} declares under that name",
                        "declare the container once and use it in both jobs, or give the two different names");
                declared.TryAdd(service.Name, (service, ids[job]));
            }
            foreach (var name in job.Variables.Keys)
            {
                if (!Identifier().IsMatch(name))
                    throw Refused($"{where}: the variable name '{name}' is not an identifier", "use a letter or _, then letters, digits or _ (SLUICE_API_URL)");
                if (CiScript.WriterVariables.Contains(name))
                    throw Refused($"{where}: the variable {name} is set by the generated step itself", $"the writers set {string.Join(", ", CiScript.WriterVariables)}; choose another name");
            }
        }
    }

    private static UsageException Refused(string message, string remedy) => new(EngineErrorCodes.BadJobServiceOrVariable, message, remedy);
}

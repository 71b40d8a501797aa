using Sluice.Build.Ci;

namespace Sluice.Build.Tests.Ci;

/// <summary>The rows of <see cref="CiJobServicesCheck"/>'s table, each refused with SLU155 before any file is written.</summary>
public sealed class CiJobServicesCheckTests : IDisposable
{
    private readonly TestRoot _root = new();

    public void Dispose() => _root.Dispose();

    private sealed class Jobs(params CiJob[] jobs) : SluiceBuild
    {
        public Target Test => _ => _.Executes(() => { });
        public Target Smoke => _ => _.Executes(() => { });

        public override IEnumerable<CiPipeline> CiPipelines => [new CiPipeline("ci") { Triggers = [CiTrigger.Push("main")], Jobs = jobs }];
    }

    private static readonly CiServiceContainer Redis = new("redis", "redis:7") { Ports = ["6379:6379"] };

    private UsageException Refused(params CiJob[] jobs)
    {
        var error = Assert.Throws<UsageException>(() => CiGenerator.Generate(new Jobs(jobs), new AbsolutePath(_root.Path)));
        Assert.Equal(EngineErrorCodes.BadJobServiceOrVariable, error.Code);
        Assert.Equal(ExitCode.UsageError, error.ExitCode);
        return error;
    }

    private UsageException RefusedVariable(string name) => Refused(new CiJob("Test") { Variables = new Dictionary<string, string> { [name] = "x" } });

    [Theory]
    [InlineData("redis-cache")]
    [InlineData("1redis")]
    [InlineData("")]
    public void Row_1_a_service_name_that_is_not_an_identifier_is_refused(string name)
    {
        var error = Refused(new CiJob("Test").WithService(Redis with { Name = name }));
        Assert.Contains($"pipeline ci: job test: the service container name '{name}' is not an identifier", error.Message);
    }

    [Theory]
    [InlineData("REDIS-PORT")]
    [InlineData("9LIVES")]
    [InlineData("A B")]
    public void Row_1_a_variable_name_that_is_not_an_identifier_is_refused(string name)
    {
        Assert.Contains($"the variable name '{name}' is not an identifier", RefusedVariable(name).Message);
    }

    [Fact]
    public void Row_2_two_services_of_one_job_with_the_same_name_are_refused()
    {
        var error = Refused(new CiJob("Test").WithService(Redis).WithService(Redis with { Image = "redis:6" }));
        Assert.Contains("two service containers are named 'redis'", error.Message);
    }

    [Theory]
    [InlineData("DEPLOY_ENV")]
    [InlineData("ROLLBACK_PLAN")]
    [InlineData("CONTINUE_ONLY")]
    [InlineData("NUGET_PACKAGES")]
    [InlineData("SLUICE_SERVICE")]
    public void Row_3_a_variable_the_writers_set_is_refused(string name)
    {
        Assert.Contains($"the variable {name} is set by the generated step itself", RefusedVariable(name).Message);
    }

    [Fact]
    public void Row_4_one_container_name_declared_differently_by_two_jobs_is_refused()
    {
        var error = Refused(new CiJob("Test").WithService(Redis), new CiJob("Smoke").WithService(Redis with { Ports = ["6380:6379"] }));
        Assert.Contains("job smoke: the service container 'redis' differs from the one job test declares under that name", error.Message);
    }

    [Fact]
    public void Row_4_the_same_container_declared_anew_with_equal_values_is_one_container()
    {
        var files = CiGenerator.Generate(new Jobs(
            new CiJob("Test").WithService(Redis with { Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" } }),
            new CiJob("Smoke").WithService(Redis with { Environment = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" } })), new AbsolutePath(_root.Path));
        var azure = files.Single(f => f.Path == "azure-pipelines.yml").Content;
        Assert.Single(azure.Split('\n'), l => l == "  - container: redis");
    }
}

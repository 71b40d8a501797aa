using Sluice.Build;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Targets;

/// <summary>
/// <c>Profile</c> reads the environment's data statistics (row counts, null fractions, distinct counts, most common
/// values, histograms, keys and children per parent; never a row) into <c>--data-profile</c>, by default
/// <c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c>. Columns listed under <c>sensitive_columns</c> in the
/// service's <c>sluice.yaml</c> keep their frequencies but lose their values.
/// </summary>
public interface IProfile : ISluiceComponent
{
    [Parameter("Profile/Rehearse: the data profile file (default: pipelines/<service>/profiles/<env>.json)")]
    string? DataProfile => this.Parameter<string>();

    Target Profile => _ => _
        .Description("Reads the environment's data statistics into a profile for synthetic data (--data-profile FILE)")
        .Environment()
        .Executes(async ct =>
        {
            var serviceFolder = ServicePlans.Load(Path.Combine(Root, Pipelines), Service).ServiceFolder;
            var path = RehearsalPaths.Profile(this, serviceFolder, DataProfile);
            var connectionString = await EnvironmentAccess.ConnectionStringAsync(this, ct);
            var sensitive = await SensitiveColumns.LoadAsync(serviceFolder, ct);
            var profile = await PostgresProfiler.ReadAsync(connectionString, new ProfileOptions(Env, sensitive), ct);
            EmptyProfile.Refuse(profile, EnvironmentAccess.Describe(connectionString), EnvironmentAccess.ServiceName(this));
            await ProfileFile.WriteAsync(profile, path, this.Redactor(), ct);
            Host.Info($"profile of {Env}: {profile.Tables.Count} table(s), {profile.TotalRows:N0} rows, {sensitive.QualifiedNames.Count} sensitive column(s) masked -> {Path.GetRelativePath(Root, path)}");
        });
}

/// <summary>Where rehearsal files go.</summary>
public static class RehearsalPaths
{
    public static string Profile(ISluiceComponent build, string serviceFolder, string? dataProfile) =>
        dataProfile is null ? ProfileFile.DefaultPath(serviceFolder, build.Env) : Path.GetFullPath(dataProfile, build.Root);

    public static string Reports(ISluiceComponent build) => Path.Combine(build.Root, ".sluice", "reports");
}

using Sluice.Build;
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
        .Validates(CheckServiceAsync)
        .Executes(async ct =>
        {
            var serviceFolder = Session.Plans.ServiceFolder;
            var path = RehearsalPaths.Profile(this, serviceFolder, DataProfile);
            var sensitive = await SensitiveColumns.LoadAsync(serviceFolder, ct);
            var profile = await Session.Rehearsals.ProfileAsync(sensitive, ct);
            EmptyProfile.Refuse(profile, Session.Location, Session.Plans.Service);
            await ProfileFile.WriteAsync(profile, path, this.Redactor(), ct);
            Host.Info($"profile of {Env}: {profile.Tables.Count} table(s), {profile.TotalRows:N0} rows, {sensitive.QualifiedNames.Count} sensitive column(s) masked -> {Path.GetRelativePath(Root, path)}");
            Host.Info(profile.Statements is { Readable: true } mix
                ? $"statement mix: {mix.Statements.Count} statement shape(s) on the profiled tables over {mix.WindowSeconds:0.#} s (pg_stat_statements)"
                : $"statement mix not recorded: {profile.Statements?.Unreadable ?? "not read"}");
        });

    /// <summary>The service's plans are read before anything runs: a bad one is a usage error (exit 2).</summary>
    Task CheckServiceAsync(CancellationToken cancellationToken)
    {
        _ = Plans;
        return Task.CompletedTask;
    }
}

/// <summary>Where rehearsal files go.</summary>
public static class RehearsalPaths
{
    /// <summary>The environment a profile is committed for when an environment has none of its own.</summary>
    public const string Production = "production";

    /// <summary>Where Profile writes: <c>--data-profile</c>, else <c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c>.</summary>
    public static string Profile(ISluiceComponent build, string serviceFolder, string? dataProfile) =>
        dataProfile is null ? ProfileFile.DefaultPath(serviceFolder, build.Env) : Path.GetFullPath(dataProfile, build.Root);

    /// <summary>
    /// The profile a rehearsal's synthetic data follows; the first row that matches decides:
    /// <list type="number">
    /// <item><c>--data-profile FILE</c> → that file (a missing one is a usage error);</item>
    /// <item><c>pipelines/&lt;service&gt;/profiles/&lt;env&gt;.json</c> exists → the environment's own profile;</item>
    /// <item><c>pipelines/&lt;service&gt;/profiles/production.json</c> exists → production's: every environment rehearses
    /// on data shaped like production's unless told otherwise (a local database's few seed rows say nothing about durations);</item>
    /// <item>otherwise → null: the environment is profiled on the spot.</item>
    /// </list>
    /// </summary>
    public static string? RehearsalProfile(ISluiceComponent build, string serviceFolder, string? dataProfile)
    {
        if (dataProfile is not null) return Path.GetFullPath(dataProfile, build.Root);
        var own = ProfileFile.DefaultPath(serviceFolder, build.Env);
        if (File.Exists(own)) return own;
        var production = ProfileFile.DefaultPath(serviceFolder, Production);
        return File.Exists(production) ? production : null;
    }

    public static string Reports(ISluiceComponent build) => Path.Combine(build.Root, ".sluice", "reports");
}

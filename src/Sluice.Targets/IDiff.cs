using System.Text.Json;
using Sluice.Build;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Fingerprints;

namespace Sluice.Targets;

/// <summary>
/// <c>Diff</c> compares two databases (<c>--source</c>/<c>--target</c> connection strings, or <c>--source-env</c>/<c>--target-env</c>
/// environment names): schema changes and, per table, the missing, extra and changed keys. It fails (exit 1) when
/// they differ. With <c>--diff-settle SPAN</c> (databases being written to) a difference counts only when it persists
/// over that window (<see cref="SettledDiff"/>).
/// </summary>
public interface IDiff : ISluiceComponent
{
    [Parameter("Diff: the reference database's connection string"), Secret]
    string? Source => this.Parameter<string>();

    [Parameter("Diff: the compared database's connection string"), Secret]
    string? Target => this.Parameter<string>();

    [Parameter("Diff: the reference environment's name (instead of --source)")]
    string? SourceEnv => this.Parameter<string>();

    [Parameter("Diff: the compared environment's name (instead of --target)")]
    string? TargetEnv => this.Parameter<string>();

    [Parameter("Diff: connections per database that hash chunks at once (default 2)")]
    int? DiffDegree => this.Parameter<int?>();

    [Parameter("Diff: for databases being written to, re-check differences over this window and report only those that persist (e.g. 10s)")]
    TimeSpan? DiffSettle => this.Parameter<TimeSpan?>();

    Target Diff => _ => _
        .Description("Compares two databases (--source/--target or --source-env/--target-env) down to the differing keys; fails when they differ")
        .Executes(async ct =>
        {
            if (DiffSettle is { } bad && bad <= TimeSpan.Zero)
                throw SluiceException.Usage(ErrorCodes.BadDiffSettle, $"--diff-settle {bad} is not a positive duration",
                    "give the window writes need to reach both sides, e.g. --diff-settle 10s");
            var source = await DiffAccess.ConnectionStringAsync(this, Source, SourceEnv, "source", ct);
            var target = await DiffAccess.ConnectionStringAsync(this, Target, TargetEnv, "target", ct);
            var options = DiffOptions.Default with { Degree = DiffDegree ?? 2 };
            var report = DiffSettle switch
            {
                null => await SessionProvider.DiffAsync(source, target, options, this.Redactor(), ct),
                { } window => await new SettledDiff(window).RunAsync(
                    token => SessionProvider.DiffAsync(source, target, SettledDiff.PassOptions(options), this.Redactor(), token), ct),
            };
            var text = report.Render();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Host.Info(line);
            var (from, to) = (SessionProvider.Describe(source), SessionProvider.Describe(target));
            Host.AppendSummary($"### Diff {from} -> {to}\n\n```\n{text}```\n");
            if (!report.AreEqual)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.DatabasesDiffer,
                    $"{from} and {to} differ: {report.SchemaChanges.Count} schema change(s), "
                    + $"{report.Tables.Count(t => !t.AreEqual)} table(s) with differing rows",
                    "the lines above name each difference");
        });
}

/// <summary>Finds the two sides of a diff: a connection string, or an environment by name.</summary>
public static class DiffAccess
{
    public static async Task<string> ConnectionStringAsync(IDiff build, string? connectionString, string? environment, string side, CancellationToken cancellationToken)
    {
        // A given value is a secret parameter; the provider registers its password too before it parses it.
        if (!string.IsNullOrEmpty(connectionString)) return connectionString;
        if (string.IsNullOrEmpty(environment))
            throw SluiceException.Usage(ErrorCodes.BadSource, $"Diff needs a {side}: --{side} CONNECTION or --{side}-env NAME");
        var request = build.SessionRequest with { Environment = environment, Spec = Definition(build.Root, environment), DatabaseOverride = null };
        return await build.SessionProvider.ConnectionStringAsync(request, cancellationToken);
    }

    /// <summary>The <c>environment</c> object of <c>.nuke/parameters.&lt;name&gt;.json</c>; null for <c>local</c> without one.</summary>
    private static EnvironmentSpec? Definition(string root, string name)
    {
        var file = $".nuke/parameters.{name}.json";
        var path = Path.Combine(root, file);
        if (!File.Exists(path))
            return name == EnvironmentProfiles.DefaultEnvironment ? null
                : throw SluiceException.Usage(ErrorCodes.BadSource, $"unknown environment '{name}'", $"declare it in {file}");
        return EnvironmentSpecReader.ReadFile(path, file);
    }
}

using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;

// Usage: Sluice.Migrations.CrashHost --connection CONN --pipelines DIR --env NAME [--service S] [--lease-ttl 1s] [--rollback true]
//        [--halt-at LINE-START --halt-occurrence N [--halt-on-next true]]
// Prints one line per progress report and one before each phase statement (flushed, so a test can kill it at a named
// point: "PhaseStarted plan/phase: ...", "Statement phase file:line", "Backfill plan/phase: ...") and exits with DESIGN §1's codes.
// With --halt-at it stops for good right after printing the N-th line that starts so (with --halt-on-next, at the
// next line it prints after that one): a kill meant for that point, or for a moment into the step after it, then lands
// there and never further on, however fast the host runs (without it a quiet machine's host is steps ahead).
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];

string Required(string name) => options.TryGetValue(name, out var value) ? value
    : throw new ArgumentException($"--{name} is required");
TimeSpan? Duration(string name) => options.TryGetValue(name, out var text) && Durations.TryParse(text, out var value) ? value : null;

try
{
    var ttl = Duration("lease-ttl") ?? TimeSpan.FromSeconds(1);
    await using var database = new PostgresMigrationDatabase(Required("connection"), new LeaseOptions(ttl, ttl / 4));
    var request = new MigrationRequest(Required("pipelines"), options.GetValueOrDefault("service"), Required("env"),
        TimeBudget: Duration("time-budget"), By: new RunnerIdentity("crash-host", Environment.MachineName, $"pid:{Environment.ProcessId}"));
    var output = new KillPointOutput(options.GetValueOrDefault("halt-at"), int.Parse(options.GetValueOrDefault("halt-occurrence") ?? "1", System.Globalization.CultureInfo.InvariantCulture),
        options.GetValueOrDefault("halt-on-next") == "true");
    var progress = new SynchronousProgress(report => output.Line($"{report.Step} {report}"));
    var service = new MigrationService(database.Providers with { Phases = new PostgresPhaseExecutor(database.DataSource, [new StatementReporter(output)]) });
    var result = options.GetValueOrDefault("rollback") == "true"
        ? await service.RollbackAsync(request, progress, CancellationToken.None)
        : await service.MigrateAsync(request, progress, CancellationToken.None);
    Console.Out.WriteLine($"result {result.Outcome}: {result.Summary}");
    return result.Outcome == MigrationOutcome.Completed ? 0 : 4;
}
catch (SluiceException e)
{
    Console.Out.WriteLine(e.ToString());
    return e.Kind switch { ErrorKind.Usage => 2, ErrorKind.Busy => 3, ErrorKind.Incomplete => 4, _ => 1 };
}

/// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SynchronousProgress(Action<MigrationProgress> report) : IProgress<MigrationProgress>
{
    public void Report(MigrationProgress value) => report(value);
}

/// <summary>Writes each line flushed; halts the calling thread for good at the chosen occurrence of the halt line (or
/// at the line after it).</summary>
internal sealed class KillPointOutput(string? haltAt, int occurrence, bool onNext)
{
    private int _seen;
    private bool _armed;

    public void Line(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
        if (haltAt is null) return;
        if (_armed) Thread.Sleep(Timeout.Infinite);
        if (!line.StartsWith(haltAt, StringComparison.Ordinal) || ++_seen != occurrence) return;
        if (onNext) _armed = true;
        else Thread.Sleep(Timeout.Infinite);
    }
}

/// <summary>Names each statement of a phase's up or down right before it is sent: a kill point inside a phase.</summary>
internal sealed class StatementReporter(KillPointOutput output) : IStatementObserver
{
    public Task BeforeAsync(PhaseStatement statement, CancellationToken cancellationToken)
    {
        output.Line($"Statement {statement.Phase.Name} {statement.Script.FileName}:{statement.Statement.Line}");
        return Task.CompletedTask;
    }

    public Task AfterAsync(PhaseStatement statement, TimeSpan duration, CancellationToken cancellationToken) => Task.CompletedTask;
}

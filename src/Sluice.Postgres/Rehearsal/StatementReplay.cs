using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Sluice.Errors;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Traffic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The profile's statement mix, made ready on the rehearsal's database after its synthetic data and ANALYZE: each
/// recorded statement's generic plan there (for <see cref="PlanFidelity"/>), its arguments from the synthetic data
/// (<see cref="ReplayArguments"/>) and the rate to replay it at (the recorded rate, all of them scaled down together to
/// stay within <see cref="ReplayOptions.PerSecond"/>). Shared by every seed's run; each run plays it beside its phases
/// and keeps its own tally (<see cref="ReplayTally"/>).
/// </summary>
internal sealed class StatementReplay
{
    public const string ApplicationName = "sluice-rehearsal-replay";

    internal sealed record Shape(StatementShape Recorded, double TargetPerSecond, IReadOnlyList<string?[]> Arguments, int Unbound);

    private StatementReplay(IReadOnlyList<Shape> shapes, PlannerFidelity fidelity) => (Shapes, Fidelity) = (shapes, fidelity);

    public IReadOnlyList<Shape> Shapes { get; }

    public PlannerFidelity Fidelity { get; }

    public static async Task<StatementReplay?> PrepareAsync(string connectionString, DataProfile profile, ReplayOptions options, CancellationToken cancellationToken)
    {
        if (options.PerSecond is < 1 or > ReplayOptions.MaxPerSecond)
            throw SluiceException.Usage(ErrorCodes.BadReplayRate, $"a replay of {options.PerSecond} statements a second is outside 1-{ReplayOptions.MaxPerSecond}",
                $"choose a rate from 1 to {ReplayOptions.MaxPerSecond}");
        if (profile.Statements is not { Readable: true, Statements.Count: > 0 } mix) return null;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var rehearsed = new Dictionary<string, (IReadOnlyList<string>? Shape, string? Error)>(StringComparer.Ordinal);
        var prepared = new List<(StatementShape Statement, IReadOnlyList<string?[]> Arguments, int Unbound)>();
        foreach (var statement in mix.Statements)
        {
            var explained = await GenericPlans.ExplainAsync(connection, statement.Query, cancellationToken);
            rehearsed[statement.Id] = (explained.Shape, explained.Error);
            if (explained.Shape is null || prepared.Count >= options.Statements) continue;
            var (arguments, unbound) = await ReplayArguments.ForAsync(connection, statement, explained.ParameterTypes, profile, cancellationToken);
            prepared.Add((statement, arguments, unbound));
        }
        var recorded = prepared.Sum(p => p.Statement.CallsPerSecond);
        var factor = recorded > options.PerSecond ? options.PerSecond / recorded : 1;
        return new StatementReplay(
            [.. prepared.Select(p => new Shape(p.Statement, p.Statement.CallsPerSecond * factor, p.Arguments, p.Unbound))],
            PlanFidelity.Compare(mix.Statements, rehearsed, options.PlanFidelityMinimum));
    }

    /// <summary>Plays every shape at its rate, each on a connection of its own, until disposed; each call in a
    /// transaction rolled back, so the data stays exactly as the phases and the seeded workload leave it.</summary>
    public async Task<IAsyncDisposable> StartAsync(string connectionString, ReplayTally tally, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName, Pooling = false };
        var loops = new List<Task>();
        var running = new Running(stop, loops, tally);
        try
        {
            foreach (var shape in Shapes.Where(s => s.TargetPerSecond > 0))
            {
                var connection = new NpgsqlConnection(builder.ConnectionString);
                try
                {
                    await connection.OpenAsync(cancellationToken);
                    // The replay meets the phases' locks as the application would, but never waits on one for long.
                    await using (var settings = new NpgsqlCommand("SET lock_timeout = '1s'; SET statement_timeout = '5s'", connection))
                        await settings.ExecuteNonQueryAsync(cancellationToken);
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }
                loops.Add(Task.Run(() => LoopAsync(connection, shape, tally, stop.Token), CancellationToken.None));
            }
        }
        catch
        {
            // The loops already started would otherwise play on, unseen, beside a phase that failed to start them.
            await running.DisposeAsync();
            throw;
        }
        return running;
    }

    private static async Task LoopAsync(NpgsqlConnection connection, Shape shape, ReplayTally tally, CancellationToken stop)
    {
        await using var _ = connection;
        var interval = TimeSpan.FromSeconds(1 / shape.TargetPerSecond);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        for (var call = 0; !stop.IsCancellationRequested; call++)
        {
            var wait = next - clock.Elapsed;
            // Behind by more than a second (a lock): carry on from now rather than burst to catch up.
            if (wait < TimeSpan.FromSeconds(-1)) next = clock.Elapsed;
            else if (wait > TimeSpan.Zero)
                try { await Task.Delay(wait, stop); }
                catch (OperationCanceledException) { return; }
            next += interval;
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
                await using (var command = new NpgsqlCommand(shape.Recorded.Query, connection, transaction))
                {
                    foreach (var value in shape.Arguments[call % shape.Arguments.Count])
                        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = (object?)value ?? DBNull.Value });
                    await command.ExecuteNonQueryAsync(CancellationToken.None);
                }
                await transaction.RollbackAsync(CancellationToken.None);
                tally.Called(shape.Recorded.Id, failed: false);
            }
            catch (NpgsqlException)
            {
                // A statement the server refused, or a lost connection: an error of the replay, never of the phase.
                tally.Called(shape.Recorded.Id, failed: true);
                if (connection.State is not System.Data.ConnectionState.Open) return;
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentException)
            {
                // A generated value its parameter cannot take.
                tally.Called(shape.Recorded.Id, failed: true);
            }
        }
    }

    private sealed class Running(CancellationTokenSource stop, List<Task> loops, ReplayTally tally) : IAsyncDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private bool _stopped;

        public async ValueTask DisposeAsync()
        {
            if (_stopped) return;
            _stopped = true;
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            tally.Ran(_clock.Elapsed);
            stop.Dispose();
        }
    }

    /// <summary>Each shape's achieved rate against the recorded and target ones, over the time the tally ran.</summary>
    public IReadOnlyList<ReplayRate> Rates(ReplayTally tally) =>
        [.. Shapes.Select(s =>
        {
            var (calls, errors) = tally.Of(s.Recorded.Id);
            var seconds = tally.Running.TotalSeconds;
            return new ReplayRate(s.Recorded.Id, s.Recorded.Query, s.Recorded.CallsPerSecond, Math.Round(s.TargetPerSecond, 4),
                seconds > 0 ? Math.Round(calls / seconds, 4) : 0, calls, errors, s.Unbound);
        })];
}

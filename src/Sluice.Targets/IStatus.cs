using Sluice.Build;

namespace Sluice.Targets;

/// <summary><c>Status</c> prints where every plan stands on <c>--env</c>: phases, timings, backfill checkpoints, the
/// last events and who holds the lease, and the environment's streaming replica with its lag where it has one. It reads
/// only; it takes no lease.</summary>
public interface IStatus : ISluiceComponent
{
    Target Status => _ => _
        .Description("Prints where every migration plan stands on the environment: phases, checkpoints, events, lease")
        .Executes(async ct =>
        {
            var session = await SessionAsync(ct);
            var report = await session.Migrations.StatusAsync(session.Migration(), ct);
            var text = report.Render();
            if (session.Replica is { } replica) text += (await replica.StatusAsync(ct)).Describe() + "\n";
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Host.Info(line.TrimEnd('\r'));
            Host.AppendSummary($"### Migrations on {Env}\n\n```\n{text}```\n");
            if (await session.Trains.ReadLastAsync(Env, ct) is { } train)
                foreach (var line in train.Render().Split('\n')) Host.Info(line);
        });
}

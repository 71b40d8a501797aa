using Sluice.Build;

namespace Sluice.Build.TestBuild;

/// <summary>Targets that misbehave on purpose, so tests can watch the engine handle them in a real process.</summary>
public sealed class TestBuild : SluiceBuild
{
    public static int Main() => Execute<TestBuild>(x => x.Hello);

    [Parameter("A token that must never print"), Secret]
    public string? Token { get; set; }

    [Parameter("Where Wait writes that it started")]
    public string? Marker { get; set; }

    public Target Hello => _ => _.Description("Says hello").Executes(() => Host.Info("hello"));

    public Target Leak => _ => _
        .Description("Prints the secret token every way it can, then fails with it in the message")
        .Requires(() => Token)
        .Executes(() =>
        {
            Console.WriteLine($"stdout: token={Token}");
            Console.Error.WriteLine($"stderr: token={Token}");
            Console.Write("split: ");
            Console.Write(Token![..3]);
            Console.Write(Token[3..]);
            Console.WriteLine();
            Host.Info($"host: token={Token}");
            throw new InvalidOperationException($"failed while using token {Token}");
        });

    public Target CycleA => _ => _.Unlisted().DependsOn(CycleB).Executes(() => { });
    public Target CycleB => _ => _.Unlisted().DependsOn(CycleA).Executes(() => { });

    public Target Wait => _ => _
        .Description("Waits until cancelled")
        .Resumable()
        .Executes(async ct =>
        {
            if (Marker is not null) await File.WriteAllTextAsync(Marker, "started", CancellationToken.None);
            await Task.Delay(Timeout.Infinite, ct);
        });

    public Target Cleanup => _ => _
        .Description("Runs even after a failure or Ctrl-C")
        .AssuredAfterFailure()
        .After(Wait)
        .Executes(() => Host.Info("cleanup ran"));
}

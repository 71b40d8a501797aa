namespace Sluice.Cloud.Tests.Fakes;

/// <summary>What the fault-mode tests set and read on either cloud fake.</summary>
public interface IFakeCloud : IAsyncDisposable
{
    /// <summary>The copies (restored instances or servers) that exist now.</summary>
    IReadOnlyList<string> Copies { get; }

    /// <summary>The provider snapshots (DB snapshots, backups) that exist now.</summary>
    IReadOnlyList<string> SnapshotNames { get; }

    FakeRestore RestoreOutcome { get; set; }

    string? CorruptRestore { get; set; }

    Action<string>? OnCopyAvailable { get; set; }

    FakeThrottle? Throttle { get; set; }

    IReadOnlyDictionary<string, string> TagsOf(string name);
}

/// <summary>What a restore does at a fake: become available, fail halfway, or never become available.</summary>
public enum FakeRestore { Available, FailsHalfway, NeverAvailable }

/// <summary>Throttles the next <see cref="Count"/> calls (of <see cref="Action"/> only, when given; RDS names actions).</summary>
public sealed class FakeThrottle(int count, string? action = null, int? retryAfterSeconds = null)
{
    public string? Action => action;
    public int Count { get; set; } = count;
    public int? RetryAfterSeconds => retryAfterSeconds;
}

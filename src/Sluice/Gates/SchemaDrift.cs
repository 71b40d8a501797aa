namespace Sluice.Gates;

/// <summary>The live schema against the one recorded after the last release transition (Promote or Rollback).</summary>
/// <param name="ExpectedHash">The recorded schema fingerprint; null when nothing was recorded yet.</param>
/// <param name="RecordedAt">When it was recorded.</param>
/// <param name="LiveHash">The schema fingerprint now.</param>
/// <param name="JournalMovedSince">Phases ran or were reverted after the recording (a Migrate outside Promote): the
/// expectation is stale and says nothing about drift.</param>
/// <param name="Differences">Objects added, removed or changed since (<c>+ kind name</c>, <c>- kind name</c>, <c>~ kind name</c>).</param>
public sealed record SchemaDrift(string? ExpectedHash, DateTimeOffset? RecordedAt, string LiveHash, bool JournalMovedSince, IReadOnlyList<string> Differences);

/// <summary>Records the schema a release transition left behind and compares the live schema with it.</summary>
public interface ISchemaExpectations
{
    Task<SchemaDrift> ReadAsync(string environment, CancellationToken cancellationToken);

    /// <summary>Records the live schema as the expected one when <see cref="ExpectationRules"/> says so.</summary>
    /// <returns>Whether it was recorded.</returns>
    Task<bool> RecordAsync(string environment, ExpectationOrigin origin, string reason, CancellationToken cancellationToken);
}

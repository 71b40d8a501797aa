using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Clusters;

/// <summary>The tests that share one <see cref="StreamingReplicaFixture"/>: they run one at a time, because pausing the
/// standby's replay is felt by all of them.</summary>
[CollectionDefinition(Name)]
public sealed class StreamingReplicaCollection : ICollectionFixture<StreamingReplicaFixture>
{
    public const string Name = "streaming replica";
}

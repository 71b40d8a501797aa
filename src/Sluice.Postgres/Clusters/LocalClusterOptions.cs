namespace Sluice.Postgres.Clusters;

/// <summary>Where a local cluster lives and how it runs.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>The data folder (absolute or relative to the working folder).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The superuser's password, used over TCP (scram-sha-256); the unix socket trusts its owner only.</summary>
    public required string Password { get; init; }

    /// <summary>The unix-socket folder. Socket paths are capped at 107 bytes, so the default is short and under
    /// <c>/tmp</c>, derived from the data folder's path.</summary>
    public string? SocketDirectory { get; init; }

    /// <summary>A fixed port: start fails when it is taken. Null picks a free one.</summary>
    public int? Port { get; init; }

    /// <summary>The port to try first when <see cref="Port"/> is null (the one used last time).</summary>
    public int? PreferredPort { get; init; }

    /// <summary>Ephemeral clusters trade durability for speed: <c>fsync</c>, <c>synchronous_commit</c> and
    /// <c>full_page_writes</c> off, <c>wal_level</c> minimal (no replicas, no WAL for a table filled in the transaction
    /// that truncated it). A crash can lose their data, which is fine for data nobody keeps.</summary>
    public bool Ephemeral { get; init; }

    public string Superuser { get; init; } = "postgres";

    /// <summary>Extra <c>postgresql.conf</c> settings, written after Sluice's own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long <c>pg_ctl</c> waits for the server to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

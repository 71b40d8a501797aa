using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Postgres.Environments;

/// <summary>
/// What a persistent local cluster must remember between runs: its port (so connection strings stay stable) and its
/// superuser password. Kept in <c>.sluice/&lt;env&gt;/cluster.json</c>, git-ignored and readable by its owner only.
/// </summary>
public sealed record LocalClusterState
{
    [JsonPropertyName("data_directory")]
    public required string DataDirectory { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }

    /// <summary>The streaming replica's port the last time it ran, if the environment has one.</summary>
    [JsonPropertyName("replica_port")]
    public int? ReplicaPort { get; init; }

    [JsonPropertyName("superuser")]
    public string Superuser { get; init; } = "postgres";

    [JsonPropertyName("password")]
    public required string Password { get; init; }

    public static async Task<LocalClusterState?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<LocalClusterState>(stream, cancellationToken: cancellationToken);
    }

    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // it holds a password
        await using (var stream = new FileStream(temporary, options))
            await JsonSerializer.SerializeAsync(stream, this, new JsonSerializerOptions { WriteIndented = true }, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

using System.Text;
using System.Text.Json;
using Npgsql;

namespace Repository.Tests;

/// <summary>
/// No secret at rest: a made-up database password reaches the real build in each way a secret can arrive (the
/// <c>--database</c> option, the <c>SLUICE_DATABASE</c> and <c>Database</c> environment variables, the environment's
/// <c>.nuke/parameters.local.json</c>), and a run that fails on a connection string Npgsql rejects quotes it in its
/// exception. Afterwards no file under the root (run memory, reports, manifests, the plan page, the GitHub step summary
/// and outputs, the cluster's own files) holds a byte of it, and no text column of the journal does.
/// </summary>
public sealed class SecretsAtRestTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-secrets-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Made up per run, so finding it anywhere can only mean Sluice kept it.</summary>
    private readonly string _secret = $"Pw{Guid.NewGuid():N}";

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    [Fact]
    public async Task A_secret_from_the_command_line_the_environment_or_a_parameters_file_is_kept_in_no_file_and_no_journal_row()
    {
        var provision = await _throwaway.BuildAsync("Provision --env local", Ct);
        Assert.True(provision.ExitCode == 0, provision.Output);
        var port = await CreateSecretRoleAsync(["shop_cli", "shop_env", "shop_var", "shop_file"]);
        string Database(string name) => $"Host=127.0.0.1;Port={port};Username=sluice_secret;Password={_secret};Database={name}";
        var github = GitHubFiles();

        // 1. The command line: a whole release, a rehearsal (reports and evidence), the plan page, a rollback.
        await RunAsync($"Promote --env local --database {Database("shop_cli")}", github, expectSuccess: true);
        await RunAsync($"Rehearse --env local --database {Database("shop_cli")} --rehearse-again", github, expectSuccess: true); // after Promote nothing is pending: rehearse anyway
        await RunAsync($"Promote --env local --database {Database("shop_cli")} --plan html", github, expectSuccess: true);
        await RunAsync($"Rollback --env local --database {Database("shop_cli")}", github, expectSuccess: true);
        // 2. Environment variables, both spellings.
        await RunAsync("Promote --env local", new(github) { ["SLUICE_DATABASE"] = Database("shop_env") }, expectSuccess: true);
        await RunAsync("Status --env local", new(github) { ["Database"] = Database("shop_var") }, expectSuccess: true);
        // 3. The environment's parameters file.
        File.WriteAllText(Path.Combine(Root, ".nuke", "parameters.local.json"), JsonSerializer.Serialize(new { database = Database("shop_file") }));
        await RunAsync("Promote --env local", github, expectSuccess: true);
        await RunAsync("Snapshot --env local", github, expectSuccess: true);
        File.Delete(Path.Combine(Root, ".nuke", "parameters.local.json")); // it holds the secret on purpose: the user's file, not Sluice's
        // 4. The error path: Npgsql rejects the string and quotes the offending value (here the password) in its inner
        // exception ("The input string '...' was not in a correct format"); the run fails with the string in its memory.
        var failing = await RunAsync($"Promote --env local --database Host=127.0.0.1;Port={port};Password={_secret};Timeout={_secret}", github, expectSuccess: false);
        Assert.True(failing.Contains("is not a valid Npgsql connection string", StringComparison.Ordinal), failing);

        Assert.Empty(FilesHolding(_secret));
        Assert.True(File.Exists(Path.Combine(Root, ".nuke", "temp", "last-run.json")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, ".sluice", "reports")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, ".sluice", "snapshots", "local"), "manifest.json", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(Root, ".nuke", "temp", "plan.html")));
        Assert.Contains("***", File.ReadAllText(github["GITHUB_STEP_SUMMARY"]) + File.ReadAllText(Path.Combine(Root, ".nuke", "temp", "last-run.json")));
        foreach (var database in new[] { "shop_cli", "shop_env", "shop_file" })
            Assert.Empty(await JournalRowsHoldingAsync(Database(database), _secret));
    }

    private async Task<string> RunAsync(string arguments, Dictionary<string, string> environment, bool expectSuccess)
    {
        var (exitCode, output) = await _throwaway.BuildAsync(arguments, Ct, environment);
        Assert.True(expectSuccess ? exitCode == 0 : exitCode != 0, $"{arguments} exited {exitCode}:\n{output}");
        // The mask commands carry the secret to GitHub once, on standard output, by design; nothing else may.
        Assert.DoesNotContain(_secret, string.Join('\n', output.Split('\n').Where(line => !line.StartsWith("::add-mask::", StringComparison.Ordinal))));
        return output;
    }

    /// <summary>A GitHub Actions run: its step summary and outputs are files under the root.</summary>
    private Dictionary<string, string> GitHubFiles()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Root, "github")).FullName;
        return new()
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(folder, "step-summary.md"),
            ["GITHUB_OUTPUT"] = Path.Combine(folder, "output.txt"),
        };
    }

    /// <summary>A login with the made-up password and an empty database per way of passing it, on the root's cluster.</summary>
    private async Task<int> CreateSecretRoleAsync(string[] databases)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, ".sluice", "local", "cluster.json")));
        var port = state.RootElement.GetProperty("port").GetInt32();
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Database = "postgres",
            Username = state.RootElement.GetProperty("superuser").GetString(), Password = state.RootElement.GetProperty("password").GetString(),
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(Ct);
        await using (var role = new NpgsqlCommand($"CREATE ROLE sluice_secret LOGIN SUPERUSER PASSWORD '{_secret}'", connection))
            await role.ExecuteNonQueryAsync(Ct);
        foreach (var database in databases)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database} OWNER sluice_secret", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }
        return port;
    }

    /// <summary>Every file under the root whose bytes contain <paramref name="secret"/>, as is or in UTF-16.</summary>
    private List<string> FilesHolding(string secret)
    {
        byte[][] forms = [Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret)];
        return Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
            .Where(file => forms.Any(form => File.ReadAllBytes(file).AsSpan().IndexOf(form) >= 0))
            .Select(file => Path.GetRelativePath(Root, file))
            .ToList();
    }

    /// <summary>"table.column" of every text column of schema sluice with a value containing <paramref name="secret"/>.</summary>
    private static async Task<List<string>> JournalRowsHoldingAsync(string connectionString, string secret)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var columns = new List<(string Table, string Column)>();
        await using (var list = new NpgsqlCommand("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'sluice' AND data_type IN ('text', 'character varying', 'jsonb', 'json')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) columns.Add((reader.GetString(0), reader.GetString(1)));
        Assert.NotEmpty(columns); // the journal exists: the runs wrote to it
        var holding = new List<string>();
        foreach (var (table, column) in columns)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM sluice.\"{table}\" WHERE strpos(\"{column}\"::text, $1) > 0", connection);
            count.Parameters.Add(new() { Value = secret });
            if ((long)(await count.ExecuteScalarAsync(Ct))! > 0) holding.Add($"{table}.{column}");
        }
        return holding;
    }
}

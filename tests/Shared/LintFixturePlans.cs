using Sluice.Migrations.Plans;

namespace Sluice.Testing.Lint;

/// <summary>
/// Turns a lint fixture (<c>tests/Fixtures/lint/&lt;squawk-rule&gt;/bad.sql</c> or <c>good.sql</c>) into a plan of one
/// phase in a service folder of its own. A first line <c>-- fixture: key=value ...</c> shapes the phase: <c>kind</c>
/// (expand), <c>transactional</c> (true), <c>lock_timeout</c> and <c>statement_timeout</c> (1s and 30s; <c>none</c>
/// leaves them out), <c>cluster_statements</c>, <c>irreversible</c>, and <c>enable=RULE</c> (written to the service's sluice.yaml).
/// </summary>
public static class LintFixturePlans
{
    public static string Folder(string root) => Path.Combine(root, "tests", "Fixtures", "lint");

    /// <summary>Writes the plan under <paramref name="scratch"/>/svc/migrations/p1 and loads it.</summary>
    public static MigrationPlan Load(string scratch, string sql, string? schema = null)
    {
        var options = (sql.StartsWith("-- fixture:", StringComparison.Ordinal) ? sql.Split('\n')[0]["-- fixture:".Length..] : "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split('=', 2)).ToDictionary(o => o[0], o => o[1]);
        string Option(string key, string fallback) => options.GetValueOrDefault(key, fallback);
        var service = Path.Combine(scratch, "svc");
        var folder = Path.Combine(service, "migrations", "p1");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "up.sql"), sql);
        File.WriteAllText(Path.Combine(folder, "down.sql"), "SELECT 1;\n");
        File.WriteAllText(Path.Combine(folder, "noop.sql"), "SELECT 1;\n");
        if (schema is not null)
        {
            Directory.CreateDirectory(Path.Combine(service, "schema"));
            File.WriteAllText(Path.Combine(service, "schema", "001_base.sql"), schema);
        }
        if (options.TryGetValue("enable", out var rule)) File.WriteAllText(Path.Combine(service, "sluice.yaml"), $"lint:\n  rules:\n    {rule}: warning\n");
        var kind = Option("kind", "expand");
        var lines = new List<string> { "id: p1", "owner: team", "risk: low", "description: lint fixture", "max_partial_state: 1h", "phases:" };
        if (kind != "expand") lines.AddRange(["  - name: first", "    kind: expand", "    up: noop.sql", "    down: noop.sql", "    lock_timeout: 1s", "    statement_timeout: 30s"]);
        lines.AddRange(["  - name: change", $"    kind: {kind}", "    up: up.sql", Option("irreversible", "false") == "true" ? "    irreversible: true" : "    down: down.sql"]);
        if (Option("lock_timeout", "1s") is var lockTimeout and not "none") lines.Add($"    lock_timeout: {lockTimeout}");
        if (Option("statement_timeout", "30s") is var statementTimeout and not "none") lines.Add($"    statement_timeout: {statementTimeout}");
        if (Option("transactional", "true") == "false") lines.Add("    transactional: false");
        if (Option("cluster_statements", "false") == "true") lines.Add("    cluster_statements: true");
        File.WriteAllText(Path.Combine(folder, "plan.yaml"), string.Join('\n', lines) + "\n");
        return PlanLoader.Load(folder);
    }
}

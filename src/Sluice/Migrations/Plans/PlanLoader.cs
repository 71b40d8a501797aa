using System.Text.RegularExpressions;
using Sluice.Errors;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migrations.Plans;

/// <summary>
/// Reads one plan folder (<c>plan.yaml</c> and the SQL files it names) into a <see cref="MigrationPlan"/>, or throws
/// a usage <see cref="SluiceException"/> naming the file, the line and a remedy. Nothing here opens a connection.
/// </summary>
public static partial class PlanLoader
{
    public const string PlanFileName = "plan.yaml";

    private static readonly string[] PlanKeys = ["id", "owner", "risk", "description", "max_partial_state", "on_expiry", "cluster_statements", "slo", "phases", RequiresReader.Key];
    private static readonly string[] PhaseKeys =
        ["name", "kind", "up", "down", "irreversible", "verify", "lock_timeout", "statement_timeout", "retries", "transactional", "backfill", "flag", "cluster_statements", RequiresReader.Key, "hooks"];
    private static readonly string[] BackfillKeys =
        ["table", "key", "batch", "target_batch_time", "initial_batch_size", "min_batch_size", "max_batch_size",
         "max_replication_lag", "max_lock_waiters", "throttle_pause", "pause_between_batches", "max_batch_bytes", "max_locked_share"];

    public static MigrationPlan Load(string folder)
    {
        var planFile = Path.Combine(Path.GetFullPath(folder), PlanFileName);
        if (!File.Exists(planFile))
            throw SluiceException.Usage(ErrorCodes.MissingFile, $"the plan folder '{folder}' has no {PlanFileName}",
                "add a plan.yaml (see pipelines/shop/migrations/0001_split_customer_name) or remove the folder", folder);
        var text = File.ReadAllText(planFile);
        var root = Parse(text, planFile);
        var map = new YamlMap(root, planFile, PlanFileName, PlanKeys);

        var id = map.RequiredText("id", "add 'id: <folder name>'");
        if (!PlanId().IsMatch(id))
            throw map.Error(ErrorCodes.BadValue, map.Node("id")!, $"plan id '{id}' has characters other than letters, digits, '_', '-' and '.'",
                "use the folder name, e.g. 0002_add_orders_status");
        // The folder is what people list, order and pass to --migration; the id is what the journal records. They are
        // one name, or a plan could be journaled under a name no folder has.
        var folderName = Path.GetFileName(Path.GetDirectoryName(planFile)!);
        if (!string.Equals(id, folderName, StringComparison.Ordinal))
            throw map.Error(ErrorCodes.IdNotFolderName, map.Node("id")!, $"plan id '{id}' differs from its folder name '{folderName}'",
                $"write 'id: {folderName}', or rename the folder to '{id}'");
        var owner = map.RequiredText("owner", "add 'owner: <team or person>'");
        var risk = map.OptionalEnum<MigrationRisk>("risk")
                   ?? throw map.Error(ErrorCodes.MissingKey, root, "plan.yaml has no 'risk'", "add 'risk: low', 'medium' or 'high'");
        var description = map.RequiredText("description", "add 'description: <what changes and why>'");
        var maxPartial = map.OptionalDuration("max_partial_state")
                         ?? throw map.Error(ErrorCodes.MissingKey, root, "plan.yaml has no 'max_partial_state'",
                             "add how long the system may stay half-migrated, e.g. 'max_partial_state: 2h'");
        var phasesNode = map.Node("phases") as YamlSequenceNode
                         ?? throw map.Error(ErrorCodes.MissingKey, map.Node("phases") ?? root, "plan.yaml has no list of 'phases'",
                             "add 'phases:' followed by '- name: ...' items");
        var clusterStatements = map.OptionalBool("cluster_statements") ?? false;
        var onExpiry = map.OptionalEnum<ExpiryPolicy>("on_expiry") ?? ExpiryPolicy.Alert;

        var folderPath = Path.GetDirectoryName(planFile)!;
        var phases = new List<MigrationPhase>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in phasesNode.Children)
        {
            var phase = LoadPhase(new YamlMap(item, planFile, $"phase {phases.Count + 1}", PhaseKeys), folderPath, clusterStatements);
            if (seen.TryGetValue(phase.Name, out var firstLine))
                throw SluiceException.Usage(ErrorCodes.DuplicatePhase, $"phase name '{phase.Name}' appears twice (first at line {firstLine})",
                    "give each phase its own name", planFile, phase.Line);
            seen[phase.Name] = phase.Line;
            phases.Add(phase);
        }
        if (phases.Count == 0)
            throw map.Error(ErrorCodes.MissingKey, phasesNode, "the plan has no phases", "add at least one phase");
        CheckOrder(phases, planFile);

        var hash = PlanHasher.Hash(text, phases);
        var slo = map.Node("slo") is { } sloNode ? PlanSloReader.Read(new YamlMap(sloNode, planFile, "the slo block", PlanSlo.Keys)) : null;
        if (slo is not null) PlanSloReader.Check(slo, phases, planFile);
        return new MigrationPlan(id, owner, risk, description, maxPartial, phases, folderPath, planFile, hash) { OnExpiry = onExpiry, Slo = slo, Requires = RequiresReader.Read(map) };
    }

    private static MigrationPhase LoadPhase(YamlMap map, string folder, bool planClusterStatements)
    {
        var name = map.RequiredText("name", "add 'name: <phase name>'");
        var kind = map.OptionalEnum<PhaseKind>("kind")
                   ?? throw map.Error(ErrorCodes.MissingKey, map.Node("name")!, $"phase '{name}' has no 'kind'",
                       "add 'kind: expand', 'backfill', 'switch' or 'contract'");
        var up = OptionalScript(map, "up", folder);
        var down = OptionalScript(map, "down", folder);
        var irreversible = map.OptionalBool("irreversible") ?? false;
        var verify = OptionalScript(map, "verify", folder);
        var lockTimeout = map.OptionalDuration("lock_timeout") ?? MigrationPhase.DefaultLockTimeout;
        var statementTimeout = map.OptionalDuration("statement_timeout");
        var retries = map.OptionalInt("retries", min: 1) ?? MigrationPhase.DefaultRetries;
        var transactional = map.OptionalBool("transactional") ?? true;
        var backfillNode = map.Node("backfill");
        var flag = map.OptionalText("flag");
        var clusterStatements = map.OptionalBool("cluster_statements") ?? planClusterStatements;

        var what = $"phase '{name}'";
        if (kind != PhaseKind.Backfill && up is null)
            throw map.Error(ErrorCodes.MissingKey, map.Node("name")!, $"{what} has no 'up'", "add 'up: <file>.sql' (relative to the plan folder)");
        if (kind != PhaseKind.Backfill && down is null && !irreversible)
            throw map.Error(ErrorCodes.NoWayBack, map.Node("name")!, $"{what} has no 'down' and is not marked irreversible",
                "add 'down: <file>.sql' that undoes it, or 'irreversible: true' (which then requires a verified snapshot)");
        if (down is not null && irreversible)
            throw map.Error(ErrorCodes.NoWayBack, map.Node("irreversible")!, $"{what} has a 'down' and is marked irreversible",
                "keep one of them");

        BackfillSpec? backfill = null;
        if (kind == PhaseKind.Backfill)
        {
            if (backfillNode is null)
                throw map.Error(ErrorCodes.BadBackfill, map.Node("name")!, $"backfill {what} has no 'backfill:' block",
                    "add 'backfill:' with table, key and batch (the SQL of one batch using @lower and @upper)");
            if (up is not null)
                throw map.Error(ErrorCodes.BadBackfill, map.Node("up")!, $"backfill {what} has an 'up'",
                    "a backfill's work is its 'backfill.batch' file; move the SQL there");
            if (!transactional)
                throw map.Error(ErrorCodes.BadBackfill, map.Node("transactional")!, $"backfill {what} is marked non-transactional",
                    "each batch commits with its checkpoint in one transaction; remove 'transactional: false'");
            backfill = LoadBackfill(new YamlMap(backfillNode, map.File, $"the backfill block of {what}", BackfillKeys), folder);
        }
        else if (backfillNode is not null)
            throw map.Error(ErrorCodes.BadBackfill, backfillNode, $"{what} is a {kind.ToString().ToLowerInvariant()} phase with a 'backfill:' block",
                "set 'kind: backfill' or remove the block");

        if (flag is not null && kind != PhaseKind.Switch)
            throw map.Error(ErrorCodes.BadFlag, map.Node("flag")!, $"{what} names a flag but is not a switch phase",
                "flags change in switch phases: set 'kind: switch' or remove 'flag'");
        if (flag is not null && !FlagName().IsMatch(flag))
            throw map.Error(ErrorCodes.BadFlag, map.Node("flag")!, $"flag name '{flag}' is not valid",
                "use lowercase words separated by '.', '_' or '-', e.g. customers.read_split_name");
        if (kind == PhaseKind.Switch && !transactional)
            throw map.Error(ErrorCodes.BadFlag, map.Node("transactional")!, $"switch {what} is marked non-transactional",
                "a flag flips in the phase's own transaction; remove 'transactional: false'");

        // The checks above leave exactly one of the two: a backfill block or an up.
        MigrationPhase phase = (backfill, up) switch
        {
            ({ } spec, _) => new BackfillPhase(name, spec, down, irreversible, verify, lockTimeout, statementTimeout, retries, map.Line, clusterStatements),
            (null, { } script) => new ScriptPhase(name, kind, script, down, irreversible, verify, lockTimeout, statementTimeout, retries, transactional, flag,
                map.Line, clusterStatements),
            _ => throw new System.Diagnostics.UnreachableException($"{what} has neither an up nor a backfill"),
        };
        ScriptRules.Check(phase);
        if (map.Node("hooks") is { } hooks)
            phase = phase with { Hooks = PhaseHookReader.Read(new YamlMap(hooks, map.File, $"the hooks of {what}", PhaseHookReader.BlockKeys), name, down is not null, folder) };
        return phase with { Requires = RequiresReader.Read(map) };
    }

    private static BackfillSpec LoadBackfill(YamlMap map, string folder)
    {
        var table = map.RequiredText("table", "add 'table: <table to walk>'");
        var key = map.RequiredText("key", "add 'key: <integer primary key column>'");
        CheckName(map, "table", table, 2);
        CheckName(map, "key", key, 1);
        var batch = OptionalScript(map, "batch", folder)
                    ?? throw map.Error(ErrorCodes.BadBackfill, map.Node("table")!, "the backfill block has no 'batch'",
                        "add 'batch: <file>.sql', the SQL of one batch using @lower (exclusive) and @upper (inclusive)");
        if (!batch.Sql.Contains("@lower", StringComparison.Ordinal) || !batch.Sql.Contains("@upper", StringComparison.Ordinal))
            throw map.Error(ErrorCodes.BadBackfill, map.Node("batch")!, $"the batch file '{batch.FileName}' does not use both @lower and @upper",
                $"restrict the batch to its key range: WHERE {key} > @lower AND {key} <= @upper");

        var min = map.OptionalInt("min_batch_size", 1) ?? BackfillSpec.DefaultMinBatchSize;
        var max = map.OptionalInt("max_batch_size", 1) ?? Math.Max(BackfillSpec.DefaultMaxBatchSize, min);
        var initial = map.OptionalInt("initial_batch_size", 1) ?? Math.Clamp(BackfillSpec.DefaultInitialBatchSize, min, max);
        if (min > max || initial < min || initial > max)
            throw map.Error(ErrorCodes.BadBackfill, map.Node("min_batch_size") ?? map.Node("max_batch_size") ?? map.Node("table")!,
                $"batch sizes do not fit: min {min}, initial {initial}, max {max}", "keep min_batch_size <= initial_batch_size <= max_batch_size");
        var spec = new BackfillSpec(table, key, batch,
            map.OptionalDuration("target_batch_time") ?? BackfillSpec.DefaultTargetBatchTime,
            initial, min, max,
            map.OptionalDuration("max_replication_lag") ?? BackfillSpec.DefaultMaxReplicationLag,
            map.OptionalInt("max_lock_waiters", 0) ?? BackfillSpec.DefaultMaxLockWaiters,
            map.OptionalDuration("throttle_pause") ?? BackfillSpec.DefaultThrottlePause,
            map.OptionalDuration("pause_between_batches") ?? TimeSpan.Zero) {
            MaxBatchBytes = OptionalBytes(map, "max_batch_bytes"),
            MaxLockedShare = OptionalShare(map, "max_locked_share") ?? Backfill.BatchSizer.DefaultMaxLockedShare,
        };
        if (spec.TargetBatchTime <= TimeSpan.Zero)
            throw map.Error(ErrorCodes.BadDuration, map.Node("target_batch_time")!, "'target_batch_time' is zero", "write a positive duration, e.g. 200ms");
        return spec;
    }

    /// <summary>A percentage above 0 and at most 100 (<c>0.3%</c>), as a fraction.</summary>
    private static double? OptionalShare(YamlMap map, string key)
    {
        if (map.OptionalText(key) is not { } text) return null;
        if (text.EndsWith('%') && double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var percent)
            && percent is > 0 and <= 100)
            return percent / 100;
        throw map.Error(ErrorCodes.BadBackfill, map.Node(key)!, $"'{key}' of the backfill block is '{text}', not a percentage",
            "write a share of the table's rows above 0 and at most 100 %, e.g. 0.3% (100% turns the cap off)");
    }

    private static long? OptionalBytes(YamlMap map, string key)
    {
        if (map.OptionalText(key) is not { } text) return null;
        if (ByteSizes.TryParse(text, out var bytes) && bytes > 0) return bytes;
        throw map.Error(ErrorCodes.BadBackfill, map.Node(key)!, $"'{key}' of the backfill block is '{text}', not a size",
            "write a positive size with PostgreSQL's units: 4MB, 512kB, 1GB, or a number of bytes");
    }

    /// <summary>A backfill's table or key, read as PostgreSQL reads a name (<see cref="SqlName"/>).</summary>
    private static void CheckName(YamlMap map, string field, string text, int maxParts)
    {
        if (!SqlName.TryParse(text, maxParts, out _, out var error))
            throw map.Error(ErrorCodes.BadBackfill, map.Node(field)!, $"'{field}' is '{text}', not a name: {error}",
                maxParts == 2
                    ? "write the table as in SQL, optionally schema-qualified: public.customers, or \"Sales\".\"OrderLines\" quoted in YAML as '\"Sales\".\"OrderLines\"'"
                    : "write the column as in SQL: line_id, or \"LineId\" quoted in YAML as '\"LineId\"'");
    }

    private static PlanScript? OptionalScript(YamlMap map, string key, string folder)
    {
        var name = map.OptionalText(key);
        if (name is null) return null;
        var node = map.Node(key)!;
        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (Path.IsPathRooted(name) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw map.Error(ErrorCodes.MissingFile, node, $"'{key}' names '{name}', which is outside the plan folder",
                "name a file inside the plan folder, relative to it");
        if (!File.Exists(path))
            throw map.Error(ErrorCodes.MissingFile, node, $"'{key}' names '{name}', which does not exist in {folder}",
                $"create {name} next to plan.yaml or fix the name");
        var sql = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(sql))
            throw map.Error(ErrorCodes.MissingFile, node, $"'{key}' names '{name}', which is empty", "write the SQL into it");
        return new PlanScript(name, path, sql);
    }

    /// <summary>A contract removes what an expand replaced; before any expand there is nothing to have moved to.</summary>
    private static void CheckOrder(IReadOnlyList<MigrationPhase> phases, string planFile)
    {
        var firstExpand = phases.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Kind == PhaseKind.Expand);
        foreach (var (phase, index) in phases.Select((p, i) => (p, i)))
            if (phase.Kind == PhaseKind.Contract && (firstExpand.p is null || index < firstExpand.i))
                throw SluiceException.Usage(ErrorCodes.ContractBeforeExpand,
                    firstExpand.p is null
                        ? $"contract phase '{phase.Name}' has no expand phase before it"
                        : $"contract phase '{phase.Name}' comes before expand phase '{firstExpand.p.Name}' (line {firstExpand.p.Line})",
                    "order the phases expand, backfill, switch, contract: the old shape goes only after the new one exists",
                    planFile, phase.Line);
    }

    private static YamlNode Parse(string text, string planFile)
    {
        var stream = YamlInput.Load(text, planFile, ErrorCodes.NotYaml, PlanFileName, "fix the YAML syntax (indentation, ':' after keys, quotes)");
        if (stream.Documents.Count == 0)
            throw SluiceException.Usage(ErrorCodes.NotYaml, "plan.yaml is empty", "write the plan: id, owner, risk, description, max_partial_state, phases", planFile, 1);
        return stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlanId();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex FlagName();
}

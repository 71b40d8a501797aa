using Npgsql;
using Sluice.Migrations.Plans;
using Sluice.Gates;
using Sluice.Postgres.Migrations;
using Sluice.Releases;
using Sluice.Secrets;

namespace Sluice.Postgres.Releases;

/// <summary>Rollbacks, gate decisions and approvals in schema <c>sluice</c> of the target database; their free text (a
/// rollback's detail, a gate's evidence and remedy) passes through <paramref name="redactor"/> first.</summary>
public sealed class PostgresReleaseJournal(NpgsqlDataSource dataSource, ISecretRedactor redactor) : IReleaseJournal
{
    /// <summary>The release tables are journal steps (7 and on), so ensuring them is ensuring the journal.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken) => JournalSchema.EnsureAsync(dataSource, cancellationToken);

    public async Task RecordRollbackAsync(RollbackRecord rollback, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sluice.rollbacks (at, environment, plan_id, trigger, outcome, phases_reverted, duration_ms, detail, run_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """);
        Add(command, rollback.At, rollback.Environment, (object?)rollback.PlanId ?? DBNull.Value, Snake(rollback.Trigger), Snake(rollback.Outcome),
            rollback.PhasesReverted, (long)rollback.Duration.TotalMilliseconds, redactor.Redact(rollback.Detail), rollback.By);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RollbackRecord>> ReadRollbacksAsync(int last, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT environment, plan_id, trigger, outcome, phases_reverted, detail, run_by, at, duration_ms
            FROM (SELECT * FROM sluice.rollbacks ORDER BY id DESC LIMIT $1) r ORDER BY id
            """);
        Add(command, last);
        var rows = new List<RollbackRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new RollbackRecord(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                Parse<RollbackTrigger>(reader.GetString(2)), Parse<RollbackOutcome>(reader.GetString(3)), reader.GetInt32(4),
                reader.GetString(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), TimeSpan.FromMilliseconds(reader.GetInt64(8))));
        return rows;
    }

    public async Task RecordGateReportAsync(GateReport report, string by, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var result in report.Results)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO sluice.gate_decisions (environment, gate, verdict, evidence, remedy, run_by) VALUES ($1, $2, $3, $4, $5, $6)
                """);
            foreach (var value in new object[] { report.Environment, result.Gate, Snake(result.Verdict), redactor.Redact(result.Evidence),
                         result.Remedy is null ? DBNull.Value : redactor.Redact(result.Remedy), by })
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GateDecision>> ReadGateDecisionsAsync(int last, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT environment, gate, verdict, evidence, remedy, run_by, at
            FROM (SELECT * FROM sluice.gate_decisions ORDER BY id DESC LIMIT $1) g ORDER BY id
            """);
        Add(command, last);
        var rows = new List<GateDecision>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new GateDecision(reader.GetString(0), reader.GetString(1), Parse<GateVerdict>(reader.GetString(2)), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        return rows;
    }

    public async Task RecordApprovalAsync(Approval approval, CancellationToken cancellationToken)
    {
        // A new sign-off by the same person replaces the old one with what it signs now.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sluice.approvals (environment, plan_id, plan_hash, approved_by, at, rehearsal_report, snapshot_id, change_window, os_user, git_identity)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (environment, plan_id, plan_hash, approved_by) DO UPDATE SET at = excluded.at, rehearsal_report = excluded.rehearsal_report,
                snapshot_id = excluded.snapshot_id, change_window = excluded.change_window, os_user = excluded.os_user, git_identity = excluded.git_identity
            """);
        Add(command, approval.Environment, approval.PlanId, approval.PlanHash, approval.By, approval.At);
        foreach (var value in new[] { approval.Signed?.Rehearsal, approval.Signed?.Snapshot, approval.Signed?.ChangeWindow, approval.OsUser, approval.GitIdentity })
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<Approval>> ReadApprovalsAsync(string environment, string planId, string planHash, CancellationToken cancellationToken) =>
        ReadApprovalsWhereAsync("WHERE environment = $1 AND plan_id = $2 AND plan_hash = $3", [environment, planId, planHash], cancellationToken);

    public Task<IReadOnlyList<Approval>> ReadSignedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken) =>
        ReadApprovalsWhereAsync("WHERE environment = $1 AND plan_id = $2", [environment, planId], cancellationToken);

    public Task<IReadOnlyList<Approval>> ReadAllApprovalsAsync(CancellationToken cancellationToken) =>
        ReadApprovalsWhereAsync("", [], cancellationToken);

    private async Task<IReadOnlyList<Approval>> ReadApprovalsWhereAsync(string where, object[] values, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT environment, plan_id, plan_hash, approved_by, at, change_window, rehearsal_report, snapshot_id, os_user, git_identity FROM sluice.approvals {where} ORDER BY at, approved_by");
        Add(command, values);
        var rows = new List<Approval>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            // An approval from before step 10 (no change window recorded) signed the plan's hash only.
            var signed = Text(5) is { } window ? new SignedEvidence(reader.GetString(2), Text(6), Text(7), window) : null;
            rows.Add(new Approval(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
                signed, Text(8), Text(9)));
        }
        return rows;
    }

    public async Task RecordExpiryActionAsync(ExpiryAction action, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sluice.expiry_actions (environment, plan_id, policy, partial_since, outcome, detail, run_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        Add(command, action.Environment, action.PlanId, Snake(action.Policy), action.PartialSince, Snake(action.Outcome), action.Detail, action.By, action.At);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ExpiryAction>> ReadExpiryActionsAsync(int last, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT environment, plan_id, policy, partial_since, outcome, detail, run_by, at
            FROM (SELECT * FROM sluice.expiry_actions ORDER BY id DESC LIMIT $1) e ORDER BY id
            """);
        Add(command, last);
        var rows = new List<ExpiryAction>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new ExpiryAction(reader.GetString(0), reader.GetString(1), Parse<ExpiryPolicy>(reader.GetString(2)), reader.GetFieldValue<DateTimeOffset>(3),
                Parse<ExpiryOutcome>(reader.GetString(4)), reader.GetString(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        return rows;
    }

    private static void Add(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
    }

    /// <summary>An enum value as stored: <c>NeedsSnapshotRestore</c> is <c>needs_snapshot_restore</c>.</summary>
    internal static string Snake<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "_") + char.ToLowerInvariant(c) : c.ToString()));

    internal static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", ""), ignoreCase: true);
}

using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Leases;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// The <c>sluice</c> schema in the target database, created and upgraded by ordered steps recorded in
/// <c>sluice.schema_version</c>. Steps are append-only: a released step never changes, a new need is a new step
/// (<c>JournalTests</c> pins each released step's hash). This is the one owner of the schema: the migration journal,
/// the release tables and the rehearsal evidence are all steps here, so no caller creates a table of its own.
/// </summary>
internal static class JournalSchema
{
    /// <summary>Serialises upgrades between runners starting at the same moment (any constant unlikely to collide).</summary>
    internal const long UpgradeLockKey = 0x51_75_69_63_65_4A_4E_4C; // "SluiceJNL"

    public static readonly IReadOnlyList<string> Steps =
    [
        // 1: plans, phases, backfill checkpoints, events, leases.
        """
        CREATE TABLE sluice.plans (
            plan_id       text PRIMARY KEY,
            hash          text NOT NULL,
            status        text NOT NULL CHECK (status IN ('pending', 'started', 'done', 'failed')),
            first_seen_at timestamptz NOT NULL DEFAULT now(),
            updated_at    timestamptz NOT NULL DEFAULT now(),
            run_by_user   text NOT NULL,
            run_by_host   text NOT NULL,
            ci_run_url    text
        );
        CREATE TABLE sluice.phases (
            plan_id     text NOT NULL REFERENCES sluice.plans (plan_id),
            phase       text NOT NULL,
            ordinal     int  NOT NULL,
            kind        text NOT NULL,
            status      text NOT NULL CHECK (status IN ('pending', 'started', 'done', 'failed')),
            attempts    int  NOT NULL DEFAULT 0,
            started_at  timestamptz,
            finished_at timestamptz,
            run_by_user text,
            run_by_host text,
            ci_run_url  text,
            last_error  text,
            PRIMARY KEY (plan_id, phase)
        );
        CREATE TABLE sluice.backfill_checkpoints (
            plan_id    text NOT NULL,
            phase      text NOT NULL,
            last_key   bigint,
            rows_done  bigint NOT NULL DEFAULT 0,
            batches    bigint NOT NULL DEFAULT 0,
            completed  boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (plan_id, phase),
            FOREIGN KEY (plan_id, phase) REFERENCES sluice.phases (plan_id, phase)
        );
        CREATE TABLE sluice.events (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at          timestamptz NOT NULL DEFAULT clock_timestamp(),
            kind        text NOT NULL,
            plan_id     text,
            phase       text,
            attempt     int,
            message     text NOT NULL,
            run_by_user text NOT NULL,
            run_by_host text NOT NULL,
            ci_run_url  text
        );
        CREATE INDEX events_plan_id_idx ON sluice.events (plan_id, id);
        CREATE TABLE sluice.leases (
            environment  text PRIMARY KEY,
            token        uuid NOT NULL,
            holder_user  text NOT NULL,
            holder_host  text NOT NULL,
            ci_run_url   text,
            acquired_at  timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL,
            expires_at   timestamptz NOT NULL
        );
        """,
        // 2: feature flags flipped by switch phases, read by the service (Microsoft.FeatureManagement).
        """
        CREATE TABLE sluice.feature_flags (
            name       text PRIMARY KEY,
            enabled    boolean NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            plan_id    text,
            phase      text
        );
        """,
        // 3: rollbacks leave plans and phases 'reverted'.
        """
        ALTER TABLE sluice.plans DROP CONSTRAINT plans_status_check,
            ADD CONSTRAINT plans_status_check CHECK (status IN ('pending', 'started', 'done', 'failed', 'reverted'));
        ALTER TABLE sluice.phases DROP CONSTRAINT phases_status_check,
            ADD CONSTRAINT phases_status_check CHECK (status IN ('pending', 'started', 'done', 'failed', 'reverted'));
        """,
        // 4: the schema fingerprint before each plan's first change, so its rollback is verified.
        """
        CREATE TABLE sluice.schema_baselines (
            plan_id  text PRIMARY KEY REFERENCES sluice.plans (plan_id),
            taken_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            hash     text NOT NULL,
            objects  jsonb NOT NULL
        );
        """,
        // 5: the data of the tables a plan touches, before its first destructive phase, so its rollback's data is verified.
        """
        CREATE TABLE sluice.data_baselines (
            plan_id    text NOT NULL REFERENCES sluice.plans (plan_id),
            table_name text NOT NULL,
            taken_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            took_ms    bigint NOT NULL,
            rows       bigint NOT NULL,
            baseline   jsonb NOT NULL,
            PRIMARY KEY (plan_id, table_name)
        );
        """,
        // 6: the holder's lease session (backend pid and start), so a runner can tell a killed holder from a live one.
        """
        ALTER TABLE sluice.leases ADD COLUMN holder_pid int, ADD COLUMN holder_backend_start timestamptz;
        """,
        // 7: rollbacks, gate decisions, approvals and schema expectations of Gate, Approve, Promote and Rollback.
        // IF NOT EXISTS only because a Sluice before this step created these very tables on every call; such a
        // database keeps its tables (and rows) and simply records the step.
        """
        CREATE TABLE IF NOT EXISTS sluice.rollbacks (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at              timestamptz NOT NULL,
            environment     text NOT NULL,
            plan_id         text,
            trigger         text NOT NULL CHECK (trigger IN ('manual', 'automatic')),
            outcome         text NOT NULL CHECK (outcome IN ('succeeded', 'nothing_to_roll_back', 'needs_snapshot_restore', 'failed')),
            phases_reverted int NOT NULL,
            duration_ms     bigint NOT NULL,
            detail          text NOT NULL,
            run_by          text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sluice.gate_decisions (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at          timestamptz NOT NULL DEFAULT clock_timestamp(),
            environment text NOT NULL,
            gate        text NOT NULL,
            verdict     text NOT NULL CHECK (verdict IN ('pass', 'warn', 'fail')),
            evidence    text NOT NULL,
            remedy      text,
            run_by      text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sluice.approvals (
            environment text NOT NULL,
            plan_id     text NOT NULL,
            plan_hash   text NOT NULL,
            approved_by text NOT NULL,
            at          timestamptz NOT NULL,
            PRIMARY KEY (environment, plan_id, plan_hash, approved_by)
        );
        CREATE TABLE IF NOT EXISTS sluice.schema_expectations (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at            timestamptz NOT NULL DEFAULT clock_timestamp(),
            environment   text NOT NULL,
            schema_hash   text NOT NULL,
            objects       jsonb NOT NULL,
            last_event_id bigint NOT NULL,
            reason        text NOT NULL
        );
        """,
        // 8: rehearsal evidence, one row per rehearsed plan, read by the rehearsal gate. IF NOT EXISTS for the same
        // reason as step 7: a Sluice before this step created the table on every rehearsal.
        """
        CREATE TABLE IF NOT EXISTS sluice.rehearsal_evidence (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            plan_id       text        NOT NULL,
            plan_hash     text        NOT NULL,
            environment   text        NOT NULL,
            passed        boolean     NOT NULL,
            errors        integer     NOT NULL,
            warnings      integer     NOT NULL,
            predicted_ms  bigint      NOT NULL,
            rehearsed_at  timestamptz NOT NULL,
            report        jsonb       NOT NULL
        );
        CREATE INDEX IF NOT EXISTS rehearsal_evidence_plan ON sluice.rehearsal_evidence (plan_id, plan_hash);
        """,
        // 9: canaries, each measurement with its decision, and every judgement with the numbers behind its verdict.
        """
        CREATE TABLE sluice.canaries (
            id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            environment         text        NOT NULL,
            plan_id             text,
            strategy            text        NOT NULL CHECK (strategy IN ('canary', 'blue_green')),
            outcome             text        NOT NULL CHECK (outcome IN ('running', 'promoted', 'rolled_back', 'rollback_failed')),
            reason              text        NOT NULL DEFAULT '',
            run_by              text        NOT NULL,
            started_at          timestamptz NOT NULL,
            finished_at         timestamptz,
            back_on_baseline_ms double precision,
            rollback_detail     text
        );
        CREATE INDEX canaries_environment ON sluice.canaries (environment, id);
        CREATE TABLE sluice.canary_steps (
            canary_id    bigint      NOT NULL REFERENCES sluice.canaries (id),
            measurement  int         NOT NULL,
            step         int         NOT NULL,
            weight       int         NOT NULL,
            window_start timestamptz NOT NULL,
            window_end   timestamptz NOT NULL,
            verdict      text        NOT NULL,
            reason       text        NOT NULL,
            action       text        NOT NULL,
            rule         int         NOT NULL,
            decision     text        NOT NULL,
            PRIMARY KEY (canary_id, measurement)
        );
        CREATE TABLE sluice.canary_judgements (
            canary_id      bigint NOT NULL,
            measurement    int    NOT NULL,
            ordinal        int    NOT NULL,
            metric         text   NOT NULL,
            source         text   NOT NULL,
            check_name     text   NOT NULL,
            verdict        text   NOT NULL,
            reason         text   NOT NULL,
            canary_count   bigint NOT NULL,
            baseline_count bigint NOT NULL,
            canary_value   double precision,
            baseline_value double precision,
            limit_value    double precision,
            comparison     jsonb,
            differing_keys text[],
            PRIMARY KEY (canary_id, measurement, ordinal),
            FOREIGN KEY (canary_id, measurement) REFERENCES sluice.canary_steps (canary_id, measurement)
        );
        """,
        // 10: governance. What an approval signs (rehearsal, verified snapshot, change window) and who ran it; the
        // values of the service's invariants at each check; the actions taken on partial states past their limit.
        """
        ALTER TABLE sluice.approvals
            ADD COLUMN rehearsal_report text,
            ADD COLUMN snapshot_id      text,
            ADD COLUMN change_window    text,
            ADD COLUMN os_user          text,
            ADD COLUMN git_identity     text;
        CREATE TABLE sluice.invariant_checks (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at          timestamptz NOT NULL DEFAULT clock_timestamp(),
            plan_id     text NOT NULL,
            checkpoint  text NOT NULL,
            invariant   text NOT NULL,
            value       text NOT NULL,
            passed      boolean NOT NULL,
            detail      text NOT NULL
        );
        CREATE TABLE sluice.expiry_actions (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at            timestamptz NOT NULL DEFAULT clock_timestamp(),
            environment   text NOT NULL,
            plan_id       text NOT NULL,
            policy        text NOT NULL CHECK (policy IN ('complete', 'rollback', 'alert')),
            partial_since timestamptz NOT NULL,
            outcome       text NOT NULL CHECK (outcome IN ('completed', 'rolled_back', 'alerted', 'failed')),
            detail        text NOT NULL,
            run_by        text NOT NULL
        );
        """,
        // 11: release trains. One row per train in every member service's journal, and its steps in the order it ran them.
        """
        CREATE TABLE sluice.trains (
            id          uuid PRIMARY KEY,
            environment text        NOT NULL,
            services    text[]      NOT NULL,
            run_by      text        NOT NULL,
            started_at  timestamptz NOT NULL,
            finished_at timestamptz,
            outcome     text        NOT NULL CHECK (outcome IN ('running', 'completed', 'rolled_back', 'rollback_failed', 'cancelled')),
            detail      text        NOT NULL DEFAULT ''
        );
        CREATE INDEX trains_environment ON sluice.trains (environment, started_at);
        CREATE TABLE sluice.train_members (
            train_id uuid NOT NULL REFERENCES sluice.trains (id),
            position int  NOT NULL,
            service  text NOT NULL,
            plan_id  text NOT NULL,
            phase    text NOT NULL,
            PRIMARY KEY (train_id, position)
        );
        """,
        // 12: hook runs around phases, one row per call (attempts folded in), so a re-run skips a hook that succeeded
        // and a rollback reverts exactly the hooks that ran. A round is one application of the phase.
        """
        CREATE TABLE sluice.hook_runs (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at              timestamptz NOT NULL DEFAULT clock_timestamp(),
            environment     text NOT NULL,
            plan_id         text NOT NULL,
            phase           text NOT NULL,
            hook            text NOT NULL,
            direction       text NOT NULL CHECK (direction IN ('before', 'after', 'revert')),
            round           int  NOT NULL CHECK (round >= 1),
            outcome         text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'none')),
            attempts        int  NOT NULL,
            idempotency_key text NOT NULL,
            detail          text NOT NULL,
            run_by          text NOT NULL
        );
        CREATE UNIQUE INDEX hook_runs_once ON sluice.hook_runs (plan_id, phase, hook, direction, round) WHERE outcome = 'succeeded';
        """,
        // 13: disaster drills run on copies of the environment: time to restore service and data lost, read by the
        // drill gate, the Runbook and the release history.
        """
        CREATE TABLE sluice.drills (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            environment      text NOT NULL,
            scenario         text NOT NULL,
            started_at       timestamptz NOT NULL,
            finished_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
            outcome          text NOT NULL CHECK (outcome IN ('restored', 'data_lost', 'failed')),
            time_to_restore  interval,
            rows_missing     bigint NOT NULL,
            rows_changed     bigint NOT NULL,
            rows_extra       bigint NOT NULL,
            source           text NOT NULL,
            detail           text NOT NULL,
            run_by           text NOT NULL
        );
        CREATE INDEX drills_latest ON sluice.drills (environment, scenario, started_at DESC);
        """,
        // 14: each phase's duration as the latest rehearsal predicted it at production size, beside what it took when a
        // Promote ran it, per plan hash (a changed plan is a new prediction).
        """
        CREATE TABLE sluice.phase_durations (
            plan_id      text NOT NULL,
            plan_hash    text NOT NULL,
            phase        text NOT NULL,
            predicted_ms bigint,
            basis        text,
            rehearsed_at timestamptz,
            actual_ms    bigint,
            resumed      boolean NOT NULL DEFAULT false,
            ran_at       timestamptz,
            PRIMARY KEY (plan_id, plan_hash, phase)
        );
        """,
    ];

    public static int CurrentVersion => Steps.Count;

    /// <summary>Brings the schema to <see cref="CurrentVersion"/>; refuses a journal written by a newer Sluice.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsureAsync(connection, cancellationToken);
    }

    /// <summary>As above, on an open connection outside any transaction (the upgrade commits its own).</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Fast path without locks: most runs find the journal current.
        if (await ReadVersionAsync(connection, cancellationToken) == CurrentVersion) return;

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock({UpgradeLockKey})", cancellationToken);
        await Execute(connection, """
            CREATE SCHEMA IF NOT EXISTS sluice;
            CREATE TABLE IF NOT EXISTS sluice.schema_version (
                version    int PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken);
        var version = await ReadVersionAsync(connection, cancellationToken) ?? 0;
        if (version > CurrentVersion)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.JournalTooNew,
                $"the journal (schema sluice) is at version {version}, newer than this Sluice knows ({CurrentVersion})",
                "run a Sluice at least as new as the one that last ran here");
        for (var step = version + 1; step <= CurrentVersion; step++)
        {
            await Execute(connection, Steps[step - 1], cancellationToken);
            await Execute(connection, $"INSERT INTO sluice.schema_version (version) VALUES ({step})", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<int?> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT CASE WHEN to_regclass('sluice.schema_version') IS NULL THEN NULL ELSE 0 END", connection);
        if (await command.ExecuteScalarAsync(cancellationToken) is DBNull or null) return null;
        await using var max = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM sluice.schema_version", connection);
        return (int)(await max.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

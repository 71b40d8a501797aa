namespace Sluice.Errors;

/// <summary>
/// Every error code the domain and its providers raise, one constant each, in the blocks of
/// <c>ErrorCodes.md</c> beside this file. The engine's codes are <c>Sluice.Build.EngineErrorCodes</c>; a code belongs
/// to one layer only, and no other file spells one.
/// </summary>
public static class ErrorCodes
{
    // Clusters and environments
    /// <summary>SLU010: the PostgreSQL binaries are not found.</summary>
    public const string BinariesMissing = "SLU010";
    /// <summary>SLU011: a cluster's data or socket folder is not usable.</summary>
    public const string ClusterFolderUnusable = "SLU011";
    /// <summary>SLU012: an environment definition is invalid.</summary>
    public const string BadEnvironment = "SLU012";
    /// <summary>SLU013: a local cluster failed to start or stop.</summary>
    public const string ClusterFailed = "SLU013";
    /// <summary>SLU014: a template database is in use (sessions are connected to it).</summary>
    public const string TemplateInUse = "SLU014";

    // Migration plans
    /// <summary>SLU020: plan.yaml is not valid YAML, is empty, or a part of it is not a mapping.</summary>
    public const string NotYaml = "SLU020";
    /// <summary>SLU021: an unknown key in plan.yaml.</summary>
    public const string UnknownKey = "SLU021";
    /// <summary>SLU022: a required key of plan.yaml is missing.</summary>
    public const string MissingKey = "SLU022";
    /// <summary>SLU023: a value of plan.yaml of the wrong kind.</summary>
    public const string BadValue = "SLU023";
    /// <summary>SLU024: a duration that does not parse.</summary>
    public const string BadDuration = "SLU024";
    /// <summary>SLU025: a file the plan names (or plan.yaml itself) is missing, empty or outside the plan folder.</summary>
    public const string MissingFile = "SLU025";
    /// <summary>SLU026: a phase has no down and is not marked irreversible (or has both).</summary>
    public const string NoWayBack = "SLU026";
    /// <summary>SLU027: two phases of a plan share a name.</summary>
    public const string DuplicatePhase = "SLU027";
    /// <summary>SLU028, retired: an id must equal its folder's name (<see cref="IdNotFolderName"/>), so two plans cannot share one.</summary>
    public const string DuplicatePlan = "SLU028";
    /// <summary>SLU029: a contract phase comes before any expand phase.</summary>
    public const string ContractBeforeExpand = "SLU029";
    /// <summary>SLU030: a backfill phase without a valid backfill block (or a block on another kind of phase).</summary>
    public const string BadBackfill = "SLU030";
    /// <summary>SLU031: a feature flag on a phase that is not a switch, or a bad flag name.</summary>
    public const string BadFlag = "SLU031";
    /// <summary>SLU032: a plan changed after it was applied.</summary>
    public const string PlanChanged = "SLU032";
    /// <summary>SLU033: the pipelines folder or the service is not found.</summary>
    public const string NoService = "SLU033";
    /// <summary>SLU034: several services and no --service.</summary>
    public const string AmbiguousService = "SLU034";
    /// <summary>SLU035: --migration names no plan of the service.</summary>
    public const string UnknownMigration = "SLU035";
    /// <summary>SLU100: a plan's id differs from its folder name.</summary>
    public const string IdNotFolderName = "SLU100";
    /// <summary>SLU106, a lint finding: a statement destroys data its phase's down cannot bring back, and the phase is not irreversible.</summary>
    public const string DataNotRestorable = "SLU106";
    /// <summary>SLU115: a plan's SQL controls the transaction in a script that runs inside the phase's own transaction.</summary>
    public const string TransactionControl = "SLU115";
    /// <summary>SLU116: a non-transactional phase's script opens a transaction it never ends.</summary>
    public const string TransactionLeftOpen = "SLU116";
    /// <summary>SLU117: a plan's SQL acts on the whole cluster without cluster_statements: true.</summary>
    public const string ClusterStatement = "SLU117";

    // The lease, the journal and running phases
    /// <summary>SLU040: another runner holds the environment's lease (exit 3).</summary>
    public const string Busy = "SLU040";
    /// <summary>SLU041: a phase could not take its locks within its retries.</summary>
    public const string LockTimeoutExhausted = "SLU041";
    /// <summary>SLU042: a phase's verify returned false or raised.</summary>
    public const string VerifyFailed = "SLU042";
    /// <summary>SLU043: the time budget ran out after a checkpoint; run again to continue (exit 4).</summary>
    public const string Incomplete = "SLU043";
    /// <summary>SLU044: the journal was written by a newer Sluice.</summary>
    public const string JournalTooNew = "SLU044";
    /// <summary>SLU045: a phase's SQL failed.</summary>
    public const string PhaseFailed = "SLU045";
    /// <summary>SLU046: the lease was lost while running.</summary>
    public const string LeaseLost = "SLU046";
    /// <summary>SLU047: a rollback reached a phase marked irreversible.</summary>
    public const string Irreversible = "SLU047";
    /// <summary>SLU048: a rollback ran every down but the schema differs from its fingerprint before the plan.</summary>
    public const string RollbackLeftChanges = "SLU048";
    /// <summary>SLU105: a rollback ran every down but a column's values are gone from a table the plan touched.</summary>
    public const string RollbackLostData = "SLU105";
    /// <summary>SLU118: a phase's script ended Sluice's transaction or left one open at run time.</summary>
    public const string ScriptLeftTransaction = "SLU118";

    // Fingerprints, diffs and snapshots
    /// <summary>SLU050: no snapshot with that id (or none at all).</summary>
    public const string SnapshotNotFound = "SLU050";
    /// <summary>SLU051: a snapshot's manifest.json is missing or not valid JSON.</summary>
    public const string ManifestUnreadable = "SLU051";
    /// <summary>SLU052: a snapshot file's SHA-256 differs from its manifest.</summary>
    public const string FileHashMismatch = "SLU052";
    /// <summary>SLU053: a snapshot file is missing, or its size differs from its manifest.</summary>
    public const string FileMissingOrResized = "SLU053";
    /// <summary>SLU054: pg_dump failed while taking a snapshot.</summary>
    public const string DumpFailed = "SLU054";
    /// <summary>SLU055: pg_restore (or the template clone) failed while restoring a snapshot.</summary>
    public const string RestoreFailed = "SLU055";
    /// <summary>SLU056: a restored snapshot's fingerprint differs from the one recorded when it was taken.</summary>
    public const string FingerprintMismatch = "SLU056";
    /// <summary>SLU057: restoring over a non-local environment without --force.</summary>
    public const string RestoreRefused = "SLU057";
    /// <summary>SLU058: the compared databases or sources differ (exit 1).</summary>
    public const string DatabasesDiffer = "SLU058";
    /// <summary>SLU059: a fingerprint source is unusable.</summary>
    public const string BadSource = "SLU059";

    // Data profiles, synthetic data and rehearsals
    /// <summary>SLU060: a data profile file is missing or not a valid profile.</summary>
    public const string BadProfile = "SLU060";
    /// <summary>SLU061: a data profile does not match the schema it should fill.</summary>
    public const string ProfileMismatch = "SLU061";
    /// <summary>SLU062: synthetic data cannot honour part of the schema.</summary>
    public const string Unsupported = "SLU062";
    /// <summary>SLU063: the service's sluice.yaml is not valid.</summary>
    public const string BadServiceConfig = "SLU063";
    /// <summary>SLU064: a rehearsal found an error (exit 1).</summary>
    public const string RehearsalFailed = "SLU064";
    /// <summary>SLU119: a rehearsal's confined role cannot be created or cannot log in to its throwaway database.</summary>
    public const string ConfinedRoleRefused = "SLU119";
    /// <summary>SLU125: Profile read a database that holds no user tables.</summary>
    public const string EmptyDatabase = "SLU125";
    /// <summary>SLU126: SeedSample refused a database that already holds other tables.</summary>
    public const string SampleTargetNotEmpty = "SLU126";

    // Gates, approvals, promotion and rollback
    /// <summary>SLU070: a release is blocked by its gates (exit 1).</summary>
    public const string Blocked = "SLU070";
    /// <summary>SLU071: an environment's calendar cannot be read.</summary>
    public const string BadCalendar = "SLU071";
    /// <summary>SLU072: a plan's owner tried to approve their own plan.</summary>
    public const string SelfApproval = "SLU072";
    /// <summary>SLU073: Approve without --by NAME.</summary>
    public const string MissingApprover = "SLU073";
    /// <summary>SLU074: Promote failed while migrating; the plans it touched were rolled back.</summary>
    public const string PromoteFailed = "SLU074";
    /// <summary>SLU075: Promote failed and its automatic rollback failed too.</summary>
    public const string RollbackFailed = "SLU075";
    /// <summary>SLU076: an environment's gates settings cannot be read.</summary>
    public const string BadGateSettings = "SLU076";

    // Connection strings
    /// <summary>SLU139: the variable an environment's connection_string_variable names is not set.</summary>
    public const string ConnectionVariableUnset = "SLU139";
    /// <summary>SLU140: a connection string is not a valid Npgsql connection string.</summary>
    public const string BadConnectionString = "SLU140";

    /// <summary>SLU142: Lint found an error finding in a plan's SQL.</summary>
    public const string LintFailed = "SLU142";
    /// <summary>SLU143: AcceptSchema was run without --reason.</summary>
    public const string AcceptSchemaWithoutReason = "SLU143";
    /// <summary>SLU144: the environment's role may not create databases (CREATEDB) or roles (CREATEROLE), which the step needs.</summary>
    public const string CreateDatabaseDenied = "SLU144";
    /// <summary>SLU145: a service's schema folder cannot be loaded into its empty local database (file and line).</summary>
    public const string SchemaSeedFailed = "SLU145";
    /// <summary>SLU146: an environment takes approvals from a code-review system (gates.approvals_from) the build does not have.</summary>
    public const string CodeReviewsMissing = "SLU146";
    /// <summary>SLU147: the commit a release runs belongs to no pull request whose reviews could approve it.</summary>
    public const string NoPullRequestForCommit = "SLU147";

    // Production traffic routers of the canary (Kubernetes Gateway API, Azure App Service slots)
    /// <summary>SLU265: the HTTPRoute the canary routes through (or its rule) is not found.</summary>
    public const string RouteNotFound = "SLU265";
    /// <summary>SLU266: a version's backend is not routed: missing from the route's rule, its Service missing, or the rule also routes elsewhere.</summary>
    public const string BackendNotRouted = "SLU266";
    /// <summary>SLU267: a traffic router's API (the Kubernetes API server, Azure Resource Manager) cannot be reached.</summary>
    public const string RouterUnreachable = "SLU267";
    /// <summary>SLU268: a traffic router's API refused the credentials or the permission.</summary>
    public const string RouterForbidden = "SLU268";
    /// <summary>SLU269: the weights kept changing under Sluice (HTTP 409) after every retry.</summary>
    public const string RouterConflict = "SLU269";
    /// <summary>SLU270: a traffic router's settings are unusable (kubeconfig, context, names, api-version).</summary>
    public const string RouterSettingsInvalid = "SLU270";
    /// <summary>SLU271: the App Service site (its production slot's configuration) is not found.</summary>
    public const string SiteNotFound = "SLU271";
    /// <summary>SLU272: the App Service deployment slot of the canary is not found.</summary>
    public const string SlotNotFound = "SLU272";
    /// <summary>SLU273: a traffic router's API answered in a form Sluice cannot read as a split.</summary>
    public const string RouterAnswerUnreadable = "SLU273";
    // Traffic: the local router, its metrics, the load generator and service instances
    /// <summary>SLU175: a traffic router cannot be reached, or a version behind it does not answer.</summary>
    public const string LocalRouterUnreachable = "SLU175";
    /// <summary>SLU176: a router destination is not on loopback and remote destinations were not allowed.</summary>
    public const string RemoteDestination = "SLU176";
    /// <summary>SLU177: the load generator's target is not a loopback address.</summary>
    public const string LoadTargetNotLoopback = "SLU177";
    /// <summary>SLU178: the load generator's rate or duration is missing or out of its bounds.</summary>
    public const string BadLoadBounds = "SLU178";
    /// <summary>SLU179: a service instance did not start or did not become ready in time.</summary>
    public const string InstanceNotReady = "SLU179";
    // Canary
    /// <summary>SLU185: an environment's canary definition is invalid.</summary>
    public const string BadCanary = "SLU185";
    /// <summary>SLU186: a canary's requires_phase is not a phase of the plan.</summary>
    public const string CanaryPhaseNotInPlan = "SLU186";
    /// <summary>SLU187: a canary failed its analysis (or its router failed under way); traffic went back to the baseline.</summary>
    public const string CanaryFailed = "SLU187";
    /// <summary>SLU188: a service version cannot run on the live schema; routing or deploying it is refused.</summary>
    public const string VersionCannotRun = "SLU188";
    /// <summary>SLU189: an environment's canary has no router to move traffic with.</summary>
    public const string CanaryNoRouter = "SLU189";
    /// <summary>SLU190: a canary stage that continues a canary found none under way (prepare first).</summary>
    public const string CanaryNotPrepared = "SLU190";
    /// <summary>SLU191: the local router's admin endpoint cannot be reached or answered what it should not.</summary>
    public const string RouterAdminUnreachable = "SLU191";
    // The local router as a process of its own (Router --router start|stop|status)
    /// <summary>SLU197: the local router cannot listen on its port (in use by another program).</summary>
    public const string RouterCannotListen = "SLU197";
    /// <summary>SLU198: the local router's file (.sluice/&lt;env&gt;/router.json) names a router that does not answer.</summary>
    public const string RouterFileStale = "SLU198";
    /// <summary>SLU199: Router --router start while the environment's router is already running.</summary>
    public const string RouterAlreadyRunning = "SLU199";
    /// <summary>SLU148: the router process exited before it was ready, or was not ready in time.</summary>
    public const string RouterDidNotStart = "SLU148";
    /// <summary>SLU149: Router without --router, or --router status when no router was started for the environment.</summary>
    public const string NoRouterCommand = "SLU149";
    /// <summary>SLU192: Promote found a canary under way on the environment (run in stages): decide or finish it first.</summary>
    public const string CanaryUnderWay = "SLU192";
    /// <summary>SLU193: Promote found the canary after its plan's pause failed: roll the plan back first.</summary>
    public const string PausedCanaryFailed = "SLU193";
    /// <summary>SLU194: <c>Promote --until-canary</c> on an environment (or a build) without a canary.</summary>
    public const string NoCanaryToStopAt = "SLU194";
    // Lint: PostgreSQL's parser, the service's lint settings, suppression comments
    /// <summary>SLU160: PostgreSQL's parser for lint.</summary>
    public const string ParserMissing = "SLU160";
    /// <summary>SLU161: a plan's SQL does not parse with PostgreSQL's grammar.</summary>
    public const string SqlSyntax = "SLU161";
    /// <summary>SLU162: the lint section of a service's sluice.yaml is not valid.</summary>
    public const string BadLintConfig = "SLU162";
    /// <summary>SLU163: a -- sluice-ignore comment names an unknown rule or gives no reason.</summary>
    public const string BadSuppression = "SLU163";
    /// <summary>SLU164: PostgreSQL's parser process.</summary>
    public const string ParserFailed = "SLU164";

    // Lint rules (docs/lint.md): one code per rule
    /// <summary>SLU200: lint index-blocks-writes.</summary>
    public const string LintIndexBlocksWrites = "SLU200";
    /// <summary>SLU201: lint index-drop-blocks.</summary>
    public const string LintIndexDropBlocks = "SLU201";
    /// <summary>SLU202: lint reindex-blocks.</summary>
    public const string LintReindexBlocks = "SLU202";
    /// <summary>SLU203: lint detach-partition-blocks.</summary>
    public const string LintDetachBlocks = "SLU203";
    /// <summary>SLU204: lint full-rewrite.</summary>
    public const string LintFullRewrite = "SLU204";
    /// <summary>SLU205: lint key-without-index.</summary>
    public const string LintKeyWithoutIndex = "SLU205";
    /// <summary>SLU206: lint constraint-validates-now.</summary>
    public const string LintConstraintValidates = "SLU206";
    /// <summary>SLU207: lint set-not-null-scans.</summary>
    public const string LintSetNotNullScans = "SLU207";
    /// <summary>SLU208: lint drop-not-null.</summary>
    public const string LintDropNotNull = "SLU208";
    /// <summary>SLU209: lint volatile-default.</summary>
    public const string LintVolatileDefault = "SLU209";
    /// <summary>SLU210: lint stored-generated-column.</summary>
    public const string LintStoredGenerated = "SLU210";
    /// <summary>SLU211: lint column-type-change.</summary>
    public const string LintColumnType = "SLU211";
    /// <summary>SLU212: lint domain-check-added.</summary>
    public const string LintDomainCheck = "SLU212";
    /// <summary>SLU213: lint constrained-domain.</summary>
    public const string LintConstrainedDomain = "SLU213";
    /// <summary>SLU214: lint rename.</summary>
    public const string LintRename = "SLU214";
    /// <summary>SLU215: lint drop-outside-contract.</summary>
    public const string LintDropOutsideContract = "SLU215";
    /// <summary>SLU216: lint required-column.</summary>
    public const string LintRequiredColumn = "SLU216";
    /// <summary>SLU217: lint enum-value-appended.</summary>
    public const string LintEnumAppended = "SLU217";
    /// <summary>SLU218: lint truncate-cascade.</summary>
    public const string LintTruncateCascade = "SLU218";
    /// <summary>SLU219: lint drop-database.</summary>
    public const string LintDropDatabase = "SLU219";
    /// <summary>SLU220: lint char-type.</summary>
    public const string LintCharType = "SLU220";
    /// <summary>SLU221: lint varchar-length.</summary>
    public const string LintVarcharLength = "SLU221";
    /// <summary>SLU222: lint int-key.</summary>
    public const string LintIntKey = "SLU222";
    /// <summary>SLU223: lint smallint-key.</summary>
    public const string LintSmallintKey = "SLU223";
    /// <summary>SLU224: lint serial-column.</summary>
    public const string LintSerialColumn = "SLU224";
    /// <summary>SLU225: lint timestamp-without-time-zone.</summary>
    public const string LintTimestampWithoutZone = "SLU225";
    /// <summary>SLU226: lint identifier-too-long.</summary>
    public const string LintIdentifierTooLong = "SLU226";
    /// <summary>SLU227: lint duplicate-assignment.</summary>
    public const string LintDuplicateAssignment = "SLU227";
    /// <summary>SLU228: lint no-statement-timeout.</summary>
    public const string LintNoStatementTimeout = "SLU228";
    /// <summary>SLU229: lint unqualified-name.</summary>
    public const string LintUnqualifiedName = "SLU229";
    /// <summary>SLU230: lint not-robust.</summary>
    public const string LintNotRobust = "SLU230";
    /// <summary>SLU231: lint concurrently-in-transaction.</summary>
    public const string LintConcurrentlyInTransaction = "SLU231";
    /// <summary>SLU232: rehearsal blocks-writers.</summary>
    public const string LintLockBlocksWriters = "SLU232";
    /// <summary>SLU233: rehearsal blocks-reads-and-writes.</summary>
    public const string LintLockBlocksAll = "SLU233";
    /// <summary>SLU234: rehearsal table-rewrite.</summary>
    public const string LintTableRewrite = "SLU234";
    /// <summary>SLU235: lint default-lock-timeout.</summary>
    public const string LintDefaultLockTimeout = "SLU235";
    // GitHub and environments as code (SLU275-SLU281)
    /// <summary>SLU275: the GitHub token lacks a permission a configured part needs (the message names it, e.g. deployments: write).</summary>
    public const string GitHubPermissionMissing = "SLU275";
    /// <summary>SLU276: a GitHub call failed after its retries (5xx, or a rate limit longer than the cap).</summary>
    public const string GitHubUnavailable = "SLU276";
    /// <summary>SLU277: the environments-as-code file is not valid (file and line).</summary>
    public const string BadEnvironmentsFile = "SLU277";
    /// <summary>SLU278: a secret an environment declares as required does not exist on GitHub.</summary>
    public const string SecretMissing = "SLU278";
    /// <summary>SLU279: Approve --by names someone other than the person running it.</summary>
    public const string ApproverNotRunner = "SLU279";
    /// <summary>SLU280: the approver is not one of the environment's declared approvers.</summary>
    public const string ApproverNotDeclared = "SLU280";
    /// <summary>SLU281: a GitHub part is switched on without what it needs (repository, token, pull request, run).</summary>
    public const string GitHubNotConfigured = "SLU281";
    /// <summary>SLU153: PublishDeployment was given a --deployment-state other than started, succeeded or failed.</summary>
    public const string BadDeploymentState = "SLU153";
    /// <summary>SLU236: a plan stayed partial past its max_partial_state and its on_expiry is alert.</summary>
    public const string PartialStateExpired = "SLU236";
    /// <summary>SLU237: a service invariant failed or drifted (before the first phase: blocked; after a phase: rolled back).</summary>
    public const string InvariantBroken = "SLU237";
    /// <summary>SLU238: the invariants of sluice.yaml are malformed.</summary>
    public const string BadInvariant = "SLU238";
    // Staging's streaming replica and invariant drift across releases (SLU239-SLU244)
    /// <summary>SLU239: the environment's replica object is not valid (file and line).</summary>
    public const string BadReplicaDefinition = "SLU239";
    /// <summary>SLU240: the streaming replica could not be created, started or caught up (the base backup, the standby's log, replay).</summary>
    public const string ReplicaFailed = "SLU240";
    /// <summary>SLU241: a stable invariant's value differs from the one the last successful release of the environment recorded.</summary>
    public const string InvariantDriftedSinceRelease = "SLU241";
    /// <summary>SLU242: after a rollback or restore, the replica's fingerprint differs from the primary's once replayed.</summary>
    public const string ReplicaDiverged = "SLU242";
    /// <summary>SLU243: a concurrent workload was asked for on a database that is not on this machine, or at a rate outside 1-200.</summary>
    public const string WorkloadNotLoopback = "SLU243";
    /// <summary>SLU247: a profile's statement mix is not valid (a literal in a shape, a negative count, no reason when unreadable); file and line.</summary>
    public const string BadStatementMix = "SLU247";
    /// <summary>SLU248: the rehearsal's replay of the statement mix was asked for a rate outside its bound.</summary>
    public const string BadReplayRate = "SLU248";
    /// <summary>SLU250: a plan's slo block is not valid, or a phase contradicts it (file and line).</summary>
    public const string BadSlo = "SLU250";
    /// <summary>SLU251: a backfill could not stay within the plan's slo after throttling; the phase stopped (Promote rolls it back).</summary>
    public const string SloBreached = "SLU251";
    /// <summary>SLU252: Diff's settle window (--diff-settle) is not a positive duration.</summary>
    public const string BadDiffSettle = "SLU252";
    /// <summary>SLU253: a rehearsal predicts a phase makes writers wait longer than the plan's slo longest_write_block at production size.</summary>
    public const string RehearsalWriteBlockExceeded = "SLU253";
    /// <summary>SLU254: a rehearsal predicts production's backfill batch holds its locks longer than the plan's slo longest_lock_hold.</summary>
    public const string RehearsalLockHoldExceeded = "SLU254";
    /// <summary>SLU255: writers' p99 beside a rehearsal's backfill grew more than the plan's slo writer_p99_increase allows.</summary>
    public const string RehearsalWriterP99Exceeded = "SLU255";
    // Cloud snapshots: RDS and Azure Flexible Server (SLU258-SLU264, SLU282-SLU289)
    /// <summary>SLU258: an rds or azure_flexible environment, but no cloud snapshot provider is registered for it.</summary>
    public const string CloudProviderMissing = "SLU258";
    /// <summary>SLU259: the provider snapshot a manifest names no longer exists at the provider.</summary>
    public const string CloudSnapshotGone = "SLU259";
    /// <summary>SLU260: Rehearse --from-snapshot refused: not allowed there (cloud.rehearse_on_copy, a connection environment),
    /// the cost guard, or no verified snapshot of that id (RehearsalSnapshotChoice).</summary>
    public const string CopyRehearsalNotAllowed = "SLU260";
    /// <summary>SLU261: a provider snapshot cannot replace a live instance's data in place (RestoreSnapshot on rds or azure_flexible).</summary>
    public const string CloudRestoreInPlace = "SLU261";
    /// <summary>SLU262: the restored copy never answered a PostgreSQL connection within the operation timeout.</summary>
    public const string CopyNotAnswering = "SLU262";
    /// <summary>SLU263: the restored copy's journal is not the environment's (the snapshot is older than a release, or a rollback came since).</summary>
    public const string CopyJournalBehind = "SLU263";
    /// <summary>SLU264: Rehearse --from-snapshot with an option for synthetic data (--data-profile, --scale).</summary>
    public const string SnapshotRehearsalSyntheticOption = "SLU264";
    /// <summary>SLU282: the environment's cloud object is not valid (file and line).</summary>
    public const string BadCloudDefinition = "SLU282";
    /// <summary>SLU283: the cost guard refused: a copy class larger than max_copy_class, or a lifetime or timeout over its limit.</summary>
    public const string CloudCostGuard = "SLU283";
    /// <summary>SLU284: a cloud API call failed (the message names the call, the provider's error code and message).</summary>
    public const string CloudApiFailed = "SLU284";
    /// <summary>SLU285: no cloud credentials were found, or the provider refused them or the permission.</summary>
    public const string CloudForbidden = "SLU285";
    /// <summary>SLU286: a snapshot or restore did not become available within the operation timeout.</summary>
    public const string CloudOperationTimedOut = "SLU286";
    /// <summary>SLU287: the provider reported a snapshot or restore as failed.</summary>
    public const string CloudOperationFailed = "SLU287";
    /// <summary>SLU288: a verification copy could not be deleted; the message names it and how to delete it.</summary>
    public const string CloudCopyLeft = "SLU288";
    /// <summary>SLU289: the cloud API kept throttling after every retry.</summary>
    public const string CloudThrottled = "SLU289";
    // Cross-service requirements and release trains (SLU300-SLU309)
    /// <summary>SLU300: a requires: entry is not service/plan_id@phase, or requires: is not a list (file and line).</summary>
    public const string BadRequirement = "SLU300";
    /// <summary>SLU301: a requires: entry names a service with no migrations folder (file and line).</summary>
    public const string UnknownRequiredService = "SLU301";
    /// <summary>SLU302: a requires: entry names a plan its service does not have (file and line).</summary>
    public const string UnknownRequiredPlan = "SLU302";
    /// <summary>SLU303: a requires: entry names a phase its plan does not have (file and line).</summary>
    public const string UnknownRequiredPhase = "SLU303";
    /// <summary>SLU304: the requirements form a cycle; the message names its path (file and line of an entry on it).</summary>
    public const string RequirementCycle = "SLU304";
    /// <summary>SLU305: a requires: entry names its own service (file and line).</summary>
    public const string RequirementOwnService = "SLU305";
    /// <summary>SLU306: a release train failed; what it had done was rolled back across services, latest first (both reported).</summary>
    public const string TrainFailed = "SLU306";
    /// <summary>SLU307: a release train failed and rolling it back failed too; the message names what is left.</summary>
    public const string TrainRollbackFailed = "SLU307";
    /// <summary>SLU308: --services is not valid: an unknown service, an empty list, or combined with --service or --migration.</summary>
    public const string BadServices = "SLU308";
    /// <summary>SLU309: a train step's requirement was not done when its turn came (the dependency gate, checked again before the phase).</summary>
    public const string RequirementNotDone = "SLU309";
    // Hooks around phases (SLU310-SLU314)
    /// <summary>SLU310: a phase's hooks block is not valid: neither or both of http and command, a bad url, method, status, duration or argv, a duplicate name, an unknown placeholder (file and line).</summary>
    public const string BadHook = "SLU310";
    /// <summary>SLU311: a hook of a phase that has a down names no revert (and is not marked 'revert: none' with a reason).</summary>
    public const string HookWithoutRevert = "SLU311";
    /// <summary>SLU312: a hook carries a credential inline instead of through ${secret:NAME}, or a secret it names is not set at run time.</summary>
    public const string HookSecret = "SLU312";
    /// <summary>SLU313: a hook failed (status and body excerpt, or exit code and stderr excerpt); its phase was rolled back.</summary>
    public const string HookFailed = "SLU313";
    /// <summary>SLU314: a revert hook failed while a phase was rolled back.</summary>
    public const string RevertHookFailed = "SLU314";
    /// <summary>SLU315: --scenario names no known drill scenario (the message lists them).</summary>
    public const string UnknownDrillScenario = "SLU315";
    /// <summary>SLU316: a drill's copy would be the environment's own database; nothing was made.</summary>
    public const string DrillCopyIsEnvironment = "SLU316";
    /// <summary>SLU317: the drill scenario needs a plan with a phase of a kind the service's plans do not have.</summary>
    public const string DrillPlanMissing = "SLU317";
    /// <summary>SLU318: the environment cannot offer what the drill scenario needs (a verified snapshot, a replica, a local server).</summary>
    public const string DrillNeedUnmet = "SLU318";
    /// <summary>SLU319: the drill's fault did not land (the backfill finished before the kill, the contract did not fail): nothing was drilled.</summary>
    public const string DrillFaultMissed = "SLU319";
    /// <summary>SLU320: the drill restored the service but lost data, or its recovery failed (the target fails after recording the evidence).</summary>
    public const string DrillNotRestored = "SLU320";
    /// <summary>SLU321: the drilled service could not be started (Drill's service command names a file that is missing).</summary>
    public const string DrillServiceMissing = "SLU321";
}

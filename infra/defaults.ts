/**
 * Every default the CDK app uses, in one place. Each value can be overridden with a CDK context
 * value of the same name (`-c ingestMemoryMb=3008`, or `context` in cdk.json); docs/deployment.md
 * lists them all.
 */
/**
 * The custom format for new flow logs (docs/deployment.md gives the create-flow-logs command):
 * every field the tables and the boundary rules use. `interface-type` is a v11 field; drop it
 * where CreateFlowLogs does not accept it yet.
 */
export const RECOMMENDED_LOG_FORMAT =
  '${version} ${account-id} ${region} ${vpc-id} ${subnet-id} ${interface-id} ${interface-type} ${srcaddr} ${dstaddr} ' +
  '${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction} ' +
  '${traffic-path} ${pkt-srcaddr} ${pkt-dstaddr} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${reject-reason} ' +
  '${encryption-status}';

export const DEFAULTS = {
  // ── Ingest Lambda sizing, from `npm run bench` (docs/performance.md); change them here only ──
  /**
   * 1769 MB is where Lambda allocates one full vCPU; one object is parsed on one core, so more
   * memory buys nothing but cost. Peak RSS for any object stays under 256 MB.
   */
  ingestMemoryMb: 1769,
  /**
   * Seconds. Measured: ~0.86-1.2M records/s (~200-270 MB of text/s) on one core, so a 75 MB gzip
   * object (~320 MB of text) takes ~1.5 s and a batch of 10 such objects ~15 s; 300 s leaves
   * ample headroom for S3 latency, throttling and retries, and the handler releases work it
   * cannot finish in time.
   */
  ingestTimeoutSeconds: 300,
  /**
   * Reserved (and maximum) concurrent ingest invocations; also caps the SQS pollers. One
   * invocation ingests ~1.1M records/s, so 20 keep up with far more than an organisation's flow
   * logs while leaving the rest of the account's concurrency (security tooling often runs in the
   * log-archive account) to other functions. `-c ingestReservedConcurrency=none` removes it.
   */
  ingestReservedConcurrency: 20 as number | undefined,
  /** SQS messages per invocation (one S3 notification each, usually one object per message). */
  ingestBatchSize: 10,
  /** Seconds the event source mapping waits to fill a batch. */
  ingestBatchWindowSeconds: 10,
  /** Receives before a message moves to the dead-letter queue. */
  ingestMaxReceiveCount: 5,

  // ── Other functions ─────────────────────────────────────────────────────────────────────────
  transformMemoryMb: 1769,
  /** Firehose caps a transform function at 300 s. */
  transformTimeoutSeconds: 120,
  syncMemoryMb: 512,
  syncTimeoutSeconds: 300,
  /** EventBridge schedule expression of the boundary-policy sync. */
  boundarySyncSchedule: 'rate(1 hour)',
  logRetentionDays: 90,

  // ── Committed (Iceberg) tables (docs/tables.md) ──────────────────────────────────────────────
  /**
   * EventBridge schedule of the committer: how stale the committed tables may be. Every 15
   * minutes keeps them within ~17 minutes of the staging tables while each MERGE reads a
   * quarter-hour of staged files; more often costs more Athena minimum-scan charges per day.
   */
  commitSchedule: 'rate(15 minutes)',
  /** OPTIMIZE of the recent days: folds the commits' small files and delete files. */
  optimizeSchedule: 'rate(1 hour)',
  /** VACUUM: expires snapshots older than the tables' vacuum_max_snapshot_age_seconds (3 days). */
  vacuumSchedule: 'rate(1 day)',
  /** The weekly HTML coverage report of the committed tables, to `reports/` in the curated bucket (Monday 07:00 UTC). */
  weeklyReportSchedule: 'cron(0 7 ? * MON *)',
  /**
   * Whether the weekly report's S3 location goes to the alert topic too. Off by default: the alert
   * topic pages on-call, and a page should be something to act on.
   */
  weeklyReportNotify: false,
  /** Days OPTIMIZE covers, today included (late objects land in earlier days). */
  optimizeDays: 3,
  /**
   * Days staged files (and their ledger entries and manifests) are kept: far longer than a
   * commit takes (15 minutes), so only a committer broken for a week (its error alarm fires on
   * the first failure) could let staged rows expire uncommitted.
   */
  stagingExpirationDays: 7,
  committerMemoryMb: 512,
  /** Lambda's maximum: a MERGE after an outage may run for minutes; the schedule never overlaps (concurrency 1). */
  committerTimeoutSeconds: 900,

  // ── Boundary sync across the organisation ──────────────────────────────────────────────────
  /**
   * Where the sync finds the member accounts to describe: `parameter` (the SSM parameter this
   * stack writes from `memberAccountIds`) or `organizations` (AWS Organizations ListAccounts,
   * from the management account or a delegated administrator).
   */
  memberAccountsSource: 'parameter' as 'parameter' | 'organizations',
  /** Name of the SSM StringList parameter of member accounts (memberAccountsSource=parameter). */
  memberAccountsParameterName: '/ciphertrail/member-accounts',
  /** The read-only role in every member account (the member-role StackSet creates it under this name). */
  memberRoleName: 'ciphertrail-boundary-read',
  /** The sync function's role: a fixed name, so member-account trust policies can name it before and after a redeploy. */
  syncRoleName: 'ciphertrail-boundary-sync',

  // ── Data ────────────────────────────────────────────────────────────────────────────────────
  /** Aggregation window of `window_start`, seconds. */
  windowSeconds: 300,
  /** Key prefix of the Parquet tables in the curated bucket (`<prefix><table>/dt=YYYY-MM-DD/`). */
  curatedPrefix: 'tables/',
  /** Key of the boundary policy file in the curated bucket. */
  policyKey: 'config/boundaries.json',
  /** First day Athena partition projection enumerates (`projection.dt.range` = `<start>,NOW`). */
  projectionStartDate: '2025-11-01',
  /** Optional folder in front of `AWSLogs/` that flow logs deliver to (`s3://bucket/<prefix>AWSLogs/`). */
  flowLogPrefix: '',
  rawLogInfrequentAccessDays: 30,
  rawLogGlacierDays: 90,
  rawLogExpirationDays: 400,
  /**
   * S3 Object Lock (governance mode) on every raw flow-log object of a created bucket, days.
   * One year is the retention audit frameworks most often ask of network logs (PCI DSS 10.5.1:
   * twelve months); it must not exceed rawLogExpirationDays.
   */
  rawLogLockDays: 365,
  /** Days an overwritten or deleted object version is kept in the flow-log and curated buckets. */
  noncurrentVersionExpirationDays: 90,
  athenaResultsExpirationDays: 30,
  glueDatabaseName: 'ciphertrail',
  athenaWorkgroupName: 'ciphertrail',
  /** Per-query scan cutoff of the Athena workgroup, GB. */
  athenaBytesScannedCutoffGb: 100,

  // ── Alerts and alarms ──────────────────────────────────────────────────────────────────────
  /** Minutes an identical alert stays suppressed (dedup window). */
  suppressMinutes: 60,
  /** Alarm when the oldest queued notification is older than this, seconds. */
  processingLagAlarmSeconds: 1800,
  /** Alarm when one VPC's cleartext flows in 5 minutes exceed this (a trend alarm; paging is SNS alerts). */
  cleartextFlowsAlarmThreshold: 10_000,
  /**
   * Heartbeat: alarm when no flow-log object was ingested for this many hours (missing data
   * breaches). VPC flow logs deliver every 5 minutes per flow log with traffic, so three quiet
   * hours in an organisation mean delivery or notifications broke, not that the network went quiet.
   */
  ingestHeartbeatHours: 3,
  /**
   * Alarm when the boundary policy holds state older than this many hours (some account or
   * region failed every sync since), or when no sync reported at all in that time. Six hourly
   * runs ride out a transient failure; it must exceed the sync schedule's interval.
   */
  boundaryPolicyMaxAgeHours: 6,

  // ── Optional Firehose path ─────────────────────────────────────────────────────────────────
  firehoseEnabled: false,
  /** Format string of the flow logs delivered to Firehose (no header line there). */
  firehoseLogFormat: RECOMMENDED_LOG_FORMAT,
  /** Firehose buffer interval, seconds (60–900); Parquet conversion needs ≥ 64 MB size buffers. */
  firehoseBufferSeconds: 300,
} as const;

/** Metric namespace and service names the handlers emit EMF metrics under (docs/deployment.md). */
export const METRICS = {
  namespace: 'Ciphertrail',
  ingestService: 'ingest',
  transformService: 'firehose-transform',
  syncService: 'sync-boundaries',
} as const;

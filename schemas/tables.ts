/**
 * Output tables: the contract Athena analysts, the alert engine and the local report rely on.
 * The Parquet writer's schema, the TypeScript row types and the Glue/Athena DDL all derive
 * from these definitions.
 */

export type ColumnType = 'string' | 'int32' | 'int64' | 'timestamp';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

interface PartitionKeySpec {
  readonly name: string;
  /** Athena partition projection type and format for this key (keys are always STRING in Glue). */
  readonly projection: { readonly type: 'date'; readonly format: string; readonly intervalUnit: 'DAYS' };
  readonly description: string;
}

export interface TableSpec {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ColumnSpec[];
  /** Columns whose values form the grain (the aggregation key); the rest are measures. */
  readonly keyColumns: readonly string[];
  readonly partitionKeys: readonly PartitionKeySpec[];
}

const c = <N extends string, T extends ColumnType>(name: N, type: T, description: string) =>
  ({ name, type, description }) as const;

/**
 * One partition key, `dt` (UTC day of `window_start`). Security queries span hours to weeks;
 * AWS's Athena guidance is to partition by day when queries span days and keep rows sorted by
 * time inside files (rows are written sorted by `window_start`), which prunes almost as well as
 * an hour partition while projection enumerates 24× fewer prefixes. Account and region stay
 * data columns: enum projection would need every account listed up front.
 */
const DT: PartitionKeySpec = {
  name: 'dt',
  projection: { type: 'date', format: 'yyyy-MM-dd', intervalUnit: 'DAYS' },
  description: 'UTC date of window_start, yyyy-MM-dd',
};

/** The `dt` partition value of a time (epoch ms): its UTC date, `yyyy-MM-dd`, as projection expects. */
export function partitionDate(epochMs: number): string {
  // Every file of a run asks for the same few days: the last answer is kept.
  if (epochMs !== lastPartition.epochMs) {
    lastPartition.epochMs = epochMs;
    lastPartition.dt = new Date(epochMs).toISOString().slice(0, 10);
  }
  return lastPartition.dt;
}
const lastPartition = { epochMs: Number.NaN, dt: '' };

const measures = [
  c('flows', 'int64', 'Number of flow-log records aggregated into the row'),
  c('packets', 'int64', 'Sum of packets'),
  c('bytes', 'int64', 'Sum of bytes'),
  c('first_seen', 'timestamp', 'Earliest record start (UTC)'),
  c('last_seen', 'timestamp', 'Latest record end (UTC)'),
] as const;

export const SUMMARY_TABLE = {
  name: 'summary',
  description: 'Traffic volume per window, VPC, ENI and path, by encryption status',
  columns: [
    c('window_start', 'timestamp', 'Record start floored to the aggregation window (UTC)'),
    c('account_id', 'string', 'Account of the interface (from the record, else the S3 key)'),
    c('region', 'string', 'Region of the interface (from the record, else the S3 key)'),
    c('vpc_id', 'string', 'VPC of the interface; null when the format lacks vpc-id'),
    c('subnet_id', 'string', 'Subnet of the interface'),
    c('interface_id', 'string', 'Network interface (ENI)'),
    c('flow_direction', 'string', 'ingress or egress'),
    c('traffic_path', 'int32', 'Egress path code 1–8; null for ingress or unknown'),
    c('encryption_status', 'int32', '0 cleartext, 1 Nitro, 2 application, 3 both; null unknown'),
    c(
      'encryption_status_field',
      'string',
      "present: the object's format has encryption-status (a null status is `-` in the record); absent: it has not (the record cannot say)",
    ),
    c('action', 'string', 'ACCEPT or REJECT'),
    ...measures,
  ],
  keyColumns: [
    'window_start',
    'account_id',
    'region',
    'vpc_id',
    'subnet_id',
    'interface_id',
    'flow_direction',
    'traffic_path',
    'encryption_status',
    'encryption_status_field',
    'action',
  ],
  partitionKeys: [DT],
} as const satisfies TableSpec;

/**
 * Values of `summary.encryption_status_field`. Two kinds of unknown must stay apart: a `-` status
 * (controls off, or AWS could not tell) is evidence about the flow; a format without the field (any
 * format before version 10) is no evidence at all. Files written before the column existed read it
 * as null: queries count those as `-`.
 */
export const STATUS_FIELD = { present: 'present', absent: 'absent' } as const;

export const UNENCRYPTED_TABLE = {
  name: 'unencrypted',
  description: 'Cleartext (encryption-status 0) traffic at the grain needed to fix it',
  columns: [
    c('window_start', 'timestamp', 'Record start floored to the aggregation window (UTC)'),
    c('account_id', 'string', 'Account of the interface'),
    c('region', 'string', 'Region of the interface'),
    c('vpc_id', 'string', 'VPC of the interface'),
    c('interface_id', 'string', 'Network interface (ENI)'),
    c('srcaddr', 'string', 'Source address: pkt-srcaddr when present, else srcaddr'),
    c('dstaddr', 'string', 'Destination address: pkt-dstaddr when present, else dstaddr'),
    c('protocol', 'int32', 'IANA protocol number'),
    c('port', 'int32', 'Service port: the lower of srcport and dstport (see README)'),
    c('server_side', 'string', 'Which address listens on port: dst (a request, client to server) or src (a reply)'),
    c('pkt_src_aws_service', 'string', 'AWS service of the packet source address'),
    c('pkt_dst_aws_service', 'string', 'AWS service of the packet destination address'),
    c('traffic_path', 'int32', 'Egress path code 1–8; null for ingress or unknown'),
    c('flow_direction', 'string', 'ingress or egress'),
    c('action', 'string', 'ACCEPT or REJECT'),
    c('reject_reason', 'string', 'BPA or EC when the format carries reject-reason'),
    c('interface_type', 'string', 'Type of the local interface (v11), when present'),
    ...measures,
  ],
  keyColumns: [
    'window_start',
    'account_id',
    'region',
    'vpc_id',
    'interface_id',
    'srcaddr',
    'dstaddr',
    'protocol',
    'port',
    'server_side',
    'pkt_src_aws_service',
    'pkt_dst_aws_service',
    'traffic_path',
    'flow_direction',
    'action',
    'reject_reason',
    'interface_type',
  ],
  partitionKeys: [DT],
} as const satisfies TableSpec;

/** Cleartext and EC-rejected groups as the boundary policy classified them (written when a policy is given). */
export const FINDINGS_TABLE = {
  name: 'findings',
  description:
    'Cleartext and EC-rejected traffic classified against the boundary policy (violation, blocked, readiness, excluded)',
  columns: [
    ...UNENCRYPTED_TABLE.columns.slice(0, -measures.length),
    c('encryption_status', 'int32', '0 cleartext; other values appear on EC-rejected rows'),
    c('classification', 'string', 'violation, blocked, readiness or excluded (see README, Boundary policy and alerts)'),
    c('rule', 'string', 'The classification rule that decided, e.g. cleartext-in-enforced-vpc'),
    c('severity', 'string', 'critical, high, medium, low or info'),
    ...measures,
  ],
  keyColumns: [...UNENCRYPTED_TABLE.keyColumns, 'encryption_status', 'classification', 'rule', 'severity'],
  partitionKeys: [DT],
} as const satisfies TableSpec;

export const OUTPUT_TABLES = [SUMMARY_TABLE, UNENCRYPTED_TABLE, FINDINGS_TABLE] as const;

/**
 * `<tables location>_manifests/<object stem>.json`: the keys each source object's runs wrote to
 * S3, so a re-run removes the files it no longer writes (a local folder is its own manifest:
 * functions/adapters/output-manifests.ts). Beside the table folders, never inside one:
 * neither the Glue table locations (`<prefix><table>/`) nor the DuckDB globs (under `<dir>/<table>/`) reach it.
 */
export const MANIFEST_FOLDER = '_manifests/';

/**
 * The commit columns every staged row carries after its table's columns, so that committing
 * staged rows into the Iceberg tables is exactly-once (docs/tables.md): `(source_object, row_key)`
 * names one row of one source object, and a commit inserts a row only when no committed row has
 * that name. Both derive from the object alone (its identity and the order the aggregator emits
 * groups), so a re-run of the same object stages the same names again.
 */
export const COMMIT_COLUMNS = [
  c(
    'source_object',
    'string',
    'Identity of the flow-log object the row came from (bucket/key/version, or the real path)',
  ),
  c('row_key', 'int64', "The row's number among its source object's rows of this table, from 0"),
] as const satisfies readonly ColumnSpec[];

/**
 * The analyst tables (`summary`, `unencrypted`, `findings`) are the Iceberg tables the committer
 * writes; the per-object Parquet files the ingest writes are the staging tables, named with this
 * suffix (`summary_staging`, …) and queryable for the minutes before a commit.
 */
const STAGING_SUFFIX = '_staging';

/** The Glue name of a table's staging (Hive, per-object Parquet) table. */
export function stagingTableName(spec: Pick<TableSpec, 'name'>): string {
  return `${spec.name}${STAGING_SUFFIX}`;
}

/** Columns of a staged file and of the Iceberg table: the table's columns, then the commit columns. */
export function stagedColumns(spec: TableSpec): readonly ColumnSpec[] {
  return [...spec.columns, ...COMMIT_COLUMNS];
}

/**
 * `<tables location>_staged/<ISO time>-<object stem>.json`: one entry each time an object's staged
 * files change (written, replaced or retracted), named by the time it was written so that the
 * committer lists only entries after its watermark (S3 lists keys in order). Beside the table
 * folders like `_manifests/`: no table location or DuckDB glob reaches it.
 */
export const STAGED_LEDGER_FOLDER = '_staged/';

/** `<tables location>_commit/`: the committer's watermark (the last ledger entry it committed). */
export const COMMIT_STATE_FOLDER = '_commit/';

/** TypeScript value type of a column type (int64 values are bigint; timestamps are epoch milliseconds). */
interface ColumnValueTypes {
  string: string;
  int32: number;
  int64: bigint;
  timestamp: number;
}

/** The row type of a table, derived from its spec: every column is nullable. */
type RowOf<T extends TableSpec> = {
  [C in T['columns'][number] as C['name']]: ColumnValueTypes[C['type']] | null;
};

export type SummaryRow = RowOf<typeof SUMMARY_TABLE>;
export type UnencryptedRow = RowOf<typeof UNENCRYPTED_TABLE>;
export type FindingRow = RowOf<typeof FINDINGS_TABLE>;

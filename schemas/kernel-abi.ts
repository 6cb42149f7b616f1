/**
 * The contract between the TypeScript aggregator (functions/core/flow-log-aggregator.ts,
 * functions/core/kernel/flow-kernel.ts) and the WebAssembly kernel
 * (functions/core/kernel/assembly/flow-kernel.ts): how each side numbers the fields it reads, its
 * dictionaries, the key columns and measures it exports, the field kinds and the results of
 * `process`. Names, not numbers: a number is a name's position here. `npm run build:kernel`
 * generates functions/core/kernel/kernel-abi.ts from this file (checking every name against the
 * field catalog and the output tables), and both sides import their numbers from it. Its
 * `ABI_VERSION` is a hash of the whole contract, which the kernel exports and the loader checks,
 * so a kernel built from another contract is refused instead of misread.
 */

/** Flow-log columns the kernel reads, by role number (`setRole`). */
export const KERNEL_ROLES = [
  'interface_id',
  'log_status',
  'start',
  'end',
  'account_id',
  'region',
  'vpc_id',
  'subnet_id',
  'flow_direction',
  'traffic_path',
  'encryption_status',
  'action',
  'packets',
  'bytes',
  'reject_reason',
  'srcaddr',
  'dstaddr',
  'pkt_srcaddr',
  'pkt_dstaddr',
  'protocol',
  'srcport',
  'dstport',
  'pkt_src_aws_service',
  'pkt_dst_aws_service',
  'interface_type',
] as const;

/** The kernel's token dictionaries (bytes → ids; id 0 is null), by number. */
export const KERNEL_DICTIONARIES = [
  'accounts',
  'regions',
  'vpcs',
  'subnets',
  'enis',
  'addresses',
  'services',
  'interface_types',
] as const;

/**
 * The two group tables and their key columns in the kernel's export numbering (`exportKeyColumn`).
 * The order follows the kernel's packed rows: the full-word columns first, then the ones packed
 * into shared words. Column names are those of the output tables (schemas/tables.ts): `summary`,
 * and `findings` for the cleartext groups (the `unencrypted` key plus encryption_status).
 */
export const KERNEL_TABLES = {
  summary: {
    table: 'summary',
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
      'action',
    ],
  },
  cleartext: {
    table: 'findings',
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
      'pkt_src_aws_service',
      'pkt_dst_aws_service',
      'traffic_path',
      'flow_direction',
      'action',
      'reject_reason',
      'interface_type',
      'encryption_status',
      'server_side',
    ],
  },
} as const;

/** Measures as `exportMeasure` numbers them: u64 words (sums are 128 bits: low and high) and f64 seconds. */
export const KERNEL_MEASURES = ['flows', 'packets_lo', 'packets_hi', 'bytes_lo', 'bytes_hi', 'first', 'last'] as const;

/** Field kinds of `setField`: free text, text of a closed set (`enumValues`), and the two integer widths. */
export const KERNEL_FIELD_KINDS = ['string', 'enum', 'int32', 'int64'] as const;

/** Results of `process`. */
export const KERNEL_RESULTS = ['done', 'bail', 'flush'] as const;

/** `server_side` codes after 0 (null): which address listens on the service port. */
export const KERNEL_SERVER_SIDES = ['src', 'dst'] as const;

/**
 * Enum values both sides test by their index (1 + position in the field's `enumValues`; 0 is
 * null), by field column and value.
 */
export const KERNEL_ENUM_VALUES = [
  ['log_status', 'OK'],
  ['log_status', 'NODATA'],
  ['reject_reason', 'EC'],
] as const;

/** Limits of the kernel's fixed tables: fields per layout, enum words per field and bytes per enum word. */
export const KERNEL_LIMITS = { MAX_FIELDS: 64, MAX_ENUM_WORDS: 4, MAX_ENUM_WORD_BYTES: 15 } as const;

import type { SummaryRow } from '../../../schemas/tables.js';
import { type CleartextGroup, FlowLogAggregator, ObjectRejectedError } from '../flow-log-aggregator.js';
import { type FlowLogLayout, looksLikeHeaderLine } from '../flow-log-format.js';
import { isBlankLine, utf8Text } from '../line-decoder.js';
import { mergeSummaryRows, partitionDay, summaryJsonLines } from './summary-json.js';

/** One record of a Firehose transformation event (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html). */
export interface FirehoseInputRecord {
  readonly recordId: string;
  /** Base64 of one or more newline-separated flow-log lines, no header. */
  readonly data: string;
  /** Epoch milliseconds; the time of records whose lines carry no start or end. */
  readonly approximateArrivalTimestamp?: number;
}

type FirehoseResult = 'Ok' | 'Dropped' | 'ProcessingFailed';

interface FirehoseOutputRecord {
  recordId: string;
  result: FirehoseResult;
  data: string;
  metadata?: { partitionKeys: Record<string, string> };
}

export interface FirehoseTransformOptions {
  /** The flow log's LogFormat: Firehose records carry no header line. */
  readonly layout: FlowLogLayout;
  readonly windowSeconds?: number;
  /** Bytes the JSON response may take (Lambda's synchronous limit is 6 MB). */
  readonly responseBudgetBytes?: number;
}

export interface FirehoseTransformOutcome {
  /** One result per input record, in input order (Firehose matches them by recordId). */
  readonly records: FirehoseOutputRecord[];
  /** Cleartext and EC-rejected groups of every parsed record, for the alert engine. */
  readonly cleartext: CleartextGroup[];
  readonly failures: { readonly recordId: string; readonly reason: string }[];
  readonly stats: {
    records: number;
    ok: number;
    dropped: number;
    failed: number;
    overBudget: number;
    flowRecords: number;
    malformed: number;
    cleartextRecords: number;
    bytesIn: number;
    summaryRows: number;
    responseBytes: number;
    /** Rows whose partition key is another day than their window (a record spanning midnight). */
    misplacedRows: number;
    malformedSamples: { recordId: string; line: number; reason: string; text: string }[];
  };
}

/** Response budget below Lambda's 6 MB (6,291,456 bytes) synchronous payload limit. */
export const FIREHOSE_RESPONSE_BUDGET = 6_000_000;
const ENVELOPE = '{"records":[]}'.length;
const OVER_BUDGET = 'response budget: the summary rows of this record did not fit in the 6 MB Lambda response';
const OVER_BUDGET_DATA = 'response budget';
const MAX_SAMPLES = 5;

interface Parsed {
  readonly index: number;
  readonly rows: SummaryRow[];
}

/**
 * Transforms one Firehose batch: every record is parsed with the configured layout, records are
 * aggregated together into `summary` rows, and those rows are carried by one record per `dt`
 * partition (`Ok` with NDJSON data and `metadata.partitionKeys.dt`); the other records it
 * absorbed are `Dropped`, as are NODATA/SKIPDATA-only and empty records. A record none of whose
 * lines parse is `ProcessingFailed` with the reason as its data. If the rows would push the
 * response past the budget, the batch is halved until every part fits; a single record whose
 * rows still do not fit is `ProcessingFailed` (Firehose keeps it under `processing-failed/`).
 */
export function transformFirehoseRecords(
  input: readonly FirehoseInputRecord[],
  options: FirehoseTransformOptions,
): FirehoseTransformOutcome {
  const outcome: FirehoseTransformOutcome = {
    records: [],
    cleartext: [],
    failures: [],
    stats: {
      records: input.length,
      ok: 0,
      dropped: 0,
      failed: 0,
      overBudget: 0,
      flowRecords: 0,
      malformed: 0,
      cleartextRecords: 0,
      bytesIn: 0,
      summaryRows: 0,
      responseBytes: 0,
      misplacedRows: 0,
      malformedSamples: [],
    },
  };
  const results = outcome.records;
  const contributors: Parsed[] = [];
  input.forEach((record, index) => {
    const parsed = parseRecord(record, options, outcome);
    if (typeof parsed === 'string') {
      outcome.failures.push({ recordId: record.recordId, reason: parsed });
      results.push(failed(record.recordId, parsed));
    } else if (parsed.length === 0) {
      results.push({ recordId: record.recordId, result: 'Dropped', data: '' });
    } else {
      results.push(failed(record.recordId, OVER_BUDGET_DATA)); // a placeholder until its rows are placed
      contributors.push({ index, rows: parsed });
    }
  });
  const budgetBytes = options.responseBudgetBytes ?? FIREHOSE_RESPONSE_BUDGET;
  let fixed = responseSize(results);
  if (fixed > budgetBytes) {
    // So many failures that their reasons do not fit: they stay in the logs (outcome.failures).
    for (const r of results) if (r.result === 'ProcessingFailed') r.data = '';
    fixed = responseSize(results);
  }
  const budget = { left: budgetBytes - fixed };
  place(contributors, budget, input, outcome);

  for (const r of results) {
    if (r.result === 'Ok') outcome.stats.ok++;
    else if (r.result === 'Dropped') outcome.stats.dropped++;
    else outcome.stats.failed++;
  }
  outcome.stats.responseBytes = responseSize(results);
  return outcome;
}

/** Returns the record's summary rows, or the reason it failed. */
function parseRecord(
  record: FirehoseInputRecord,
  options: FirehoseTransformOptions,
  outcome: FirehoseTransformOutcome,
): SummaryRow[] | string {
  const bytes = Buffer.from(record.data, 'base64');
  outcome.stats.bytesIn += bytes.length;
  const aggregator = new FlowLogAggregator(
    `record ${record.recordId}`,
    {
      layout: 'unrecognised',
      ...(record.approximateArrivalTimestamp ? { fileTimeMs: record.approximateArrivalTimestamp } : {}),
    },
    { format: options.layout, ...(options.windowSeconds ? { windowSeconds: options.windowSeconds } : {}) },
  );
  let lines = 0;
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    if (!isBlankLine(bytes, start, end) && !isHeaderLine(bytes, start, end)) {
      aggregator.pushBytes(bytes, start, end);
      lines++;
    }
    start = end + 1;
  }
  if (lines === 0) return [];
  let batch: ReturnType<FlowLogAggregator['finish']>;
  try {
    batch = aggregator.finish();
  } catch (err) {
    if (!(err instanceof ObjectRejectedError)) throw err;
    const sample = aggregator.stats.malformedSamples[0];
    return `${err.message}${sample ? `; line ${sample.line}: ${sample.text.slice(0, 120)}` : ''}`;
  } finally {
    const stats = aggregator.stats;
    outcome.stats.flowRecords += stats.records;
    outcome.stats.malformed += stats.malformed;
    outcome.stats.cleartextRecords += stats.cleartextRecords;
    for (const s of stats.malformedSamples) {
      if (outcome.stats.malformedSamples.length < MAX_SAMPLES)
        outcome.stats.malformedSamples.push({ recordId: record.recordId, ...s });
    }
  }
  for (const group of batch.cleartext) outcome.cleartext.push(group);
  return batch.summary;
}

/** Gives each part of the batch its rows if they fit the budget, else halves the part. */
function place(
  items: readonly Parsed[],
  budget: { left: number },
  input: readonly FirehoseInputRecord[],
  outcome: FirehoseTransformOutcome,
): void {
  if (items.length === 0) return;
  const plan = planCarriers(items);
  const entries = new Map<number, FirehoseOutputRecord>();
  let cost = 0;
  for (const item of items) {
    const carried = plan.carriers.get(item.index);
    const recordId = input[item.index]!.recordId;
    const entry: FirehoseOutputRecord = carried
      ? {
          recordId,
          result: 'Ok',
          data: Buffer.from(summaryJsonLines(carried.rows)).toString('base64'),
          metadata: { partitionKeys: { dt: carried.dt } },
        }
      : { recordId, result: 'Dropped', data: '' };
    entries.set(item.index, entry);
    cost += entrySize(entry) - entrySize(outcome.records[item.index]!);
  }
  if (cost <= budget.left) {
    budget.left -= cost;
    outcome.stats.misplacedRows += plan.misplaced;
    for (const [index, entry] of entries) outcome.records[index] = entry;
    for (const { rows } of plan.carriers.values()) outcome.stats.summaryRows += rows.length;
    return;
  }
  if (items.length === 1) {
    outcome.stats.overBudget++;
    outcome.failures.push({ recordId: input[items[0]!.index]!.recordId, reason: OVER_BUDGET });
    return; // keeps its ProcessingFailed placeholder
  }
  const middle = Math.ceil(items.length / 2);
  place(items.slice(0, middle), budget, input, outcome);
  place(items.slice(middle), budget, input, outcome);
}

/**
 * Merges the rows of the items and picks a carrier record per day: the first record with rows of
 * that day not already carrying another. With fewer records than days (one record spanning
 * midnight), the extra days ride with the first carrier and are counted as misplaced.
 */
function planCarriers(items: readonly Parsed[]): {
  carriers: Map<number, { dt: string; rows: SummaryRow[] }>;
  misplaced: number;
} {
  const days = new Map<string, Set<number>>();
  for (const item of items) {
    for (const row of item.rows) {
      const dt = partitionDay(row);
      let contributors = days.get(dt);
      if (!contributors) days.set(dt, (contributors = new Set()));
      contributors.add(item.index);
    }
  }
  const byDay = new Map<string, SummaryRow[]>();
  for (const row of mergeSummaryRows(items.map((i) => i.rows))) {
    const dt = partitionDay(row);
    let rows = byDay.get(dt);
    if (!rows) byDay.set(dt, (rows = []));
    rows.push(row);
  }
  const carriers = new Map<number, { dt: string; rows: SummaryRow[] }>();
  let misplaced = 0;
  let first: { dt: string; rows: SummaryRow[] } | undefined;
  for (const dt of [...byDay.keys()].sort()) {
    const rows = byDay.get(dt)!.sort((a, b) => a.window_start! - b.window_start!);
    const free = (i: number) => !carriers.has(i);
    const index = [...days.get(dt)!].find(free) ?? items.map((i) => i.index).find(free);
    if (index === undefined) {
      first!.rows.push(...rows);
      misplaced += rows.length;
      continue;
    }
    const carrier = { dt, rows };
    carriers.set(index, carrier);
    first ??= carrier;
  }
  return { carriers, misplaced };
}

/** The reason is the data, shortened: Firehose keeps the original record under `processing-failed/`. */
function failed(recordId: string, reason: string): FirehoseOutputRecord {
  return { recordId, result: 'ProcessingFailed', data: Buffer.from(reason.slice(0, 200)).toString('base64') };
}

function responseSize(records: readonly FirehoseOutputRecord[]): number {
  return ENVELOPE + Math.max(0, records.length - 1) + records.reduce((n, r) => n + entrySize(r), 0);
}

/** Bytes of the record's JSON in the response. */
function entrySize(entry: FirehoseOutputRecord): number {
  return Buffer.byteLength(JSON.stringify({ ...entry, data: '' })) + entry.data.length;
}

/** Header lines start with a lowercase field name; only then is the costlier header test run. */
function isHeaderLine(bytes: Uint8Array, start: number, end: number): boolean {
  const c = bytes[start]!;
  return c >= 97 && c <= 122 && looksLikeHeaderLine(utf8Text(bytes, start, end));
}

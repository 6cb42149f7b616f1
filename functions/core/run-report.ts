import type { MalformedSample } from './errors.js';
import type { ObjectReport } from './ingest-object.js';
import type { SkippedInput } from './ports.js';

export interface RunTotals {
  objects: number;
  accepted: number;
  rejected: number;
  /** Lines read from accepted and rejected objects (header and blank lines included). */
  lines: number;
  /** Records of accepted objects: `flows` plus the NODATA and SKIPDATA records. */
  records: number;
  /** Records aggregated into the tables: the sum of `flows` over the summary table. */
  flows: number;
  malformed: number;
  cleartextRecords: number;
  noDataRecords: number;
  skipDataRecords: number;
  noDataInterfaces: number;
  skipDataInterfaces: number;
  bytesIn: number;
  bytesText: number;
  outputFiles: number;
  outputRows: Record<string, number>;
  /** Entries of input folders that were not read (see `skipped`). */
  skipped: number;
}

export interface RunReport {
  readonly totals: RunTotals;
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
  readonly rejected: readonly { name: string; reason: string; samples: readonly MalformedSample[] }[];
  /** The first malformed lines of the run (at most MAX_RUN_SAMPLES; `totals.malformed` counts them all). */
  readonly malformed: readonly ({ object: string } & MalformedSample)[];
  readonly warnings: readonly { object: string; warning: string }[];
  /** The first skipped entries (at most MAX_RUN_SAMPLES; `totals.skipped` counts them all). */
  readonly skippedInputs: readonly SkippedInput[];
}

/** Samples kept per run: the report stays the same size for 50 or 50,000 objects. */
const MAX_RUN_SAMPLES = 100;
/** Offending lines kept per rejected object. */
const SAMPLES_PER_REJECTED = 3;

/**
 * Folds per-object reports into the run report printed by the CLI and logged by handlers, one
 * object at a time: a run keeps its totals and a bounded number of samples, never every report.
 */
export class RunSummary {
  private readonly totals: RunTotals = {
    objects: 0,
    accepted: 0,
    rejected: 0,
    lines: 0,
    records: 0,
    flows: 0,
    malformed: 0,
    cleartextRecords: 0,
    noDataRecords: 0,
    skipDataRecords: 0,
    noDataInterfaces: 0,
    skipDataInterfaces: 0,
    bytesIn: 0,
    bytesText: 0,
    outputFiles: 0,
    outputRows: {},
    skipped: 0,
  };
  private readonly rejected: RunReport['rejected'][number][] = [];
  private readonly malformed: RunReport['malformed'][number][] = [];
  private readonly warnings: RunReport['warnings'][number][] = [];
  private readonly skipped: SkippedInput[] = [];

  add(r: ObjectReport): void {
    const totals = this.totals;
    totals.objects++;
    if (r.status === 'accepted') totals.accepted++;
    else {
      totals.rejected++;
      this.rejected.push({
        name: r.name,
        reason: r.reason ?? 'rejected',
        samples: (r.samples ?? []).slice(0, SAMPLES_PER_REJECTED),
      });
    }
    if (r.parse) {
      totals.lines += r.parse.lines;
      for (const w of r.parse.warnings)
        if (this.warnings.length < MAX_RUN_SAMPLES) this.warnings.push({ object: r.name, warning: w });
    }
    // A rejected object contributes nothing to the tables, so none of its records count.
    if (r.parse && r.status === 'accepted') {
      totals.records += r.parse.records;
      totals.malformed += r.parse.malformed;
      totals.cleartextRecords += r.parse.cleartextRecords;
      const noData = Object.values(r.parse.noData);
      const skipData = Object.values(r.parse.skipData);
      const noDataRecords = noData.reduce((a, b) => a + b, 0);
      const skipDataRecords = skipData.reduce((a, b) => a + b, 0);
      totals.noDataRecords += noDataRecords;
      totals.skipDataRecords += skipDataRecords;
      totals.flows += r.parse.records - noDataRecords - skipDataRecords;
      totals.noDataInterfaces += noData.length;
      totals.skipDataInterfaces += skipData.length;
      for (const s of r.parse.malformedSamples) {
        if (this.malformed.length >= MAX_RUN_SAMPLES) break;
        this.malformed.push({ object: r.name, ...s });
      }
    }
    if (r.stream) {
      totals.bytesIn += r.stream.bytesIn;
      totals.bytesText += r.stream.bytesText;
    }
    for (const f of r.outputs) {
      totals.outputFiles++;
      totals.outputRows[f.table] = (totals.outputRows[f.table] ?? 0) + f.rows;
    }
  }

  /** Entries of the input folders that were not read. */
  skip(entries: readonly SkippedInput[]): void {
    this.totals.skipped += entries.length;
    for (const entry of entries) if (this.skipped.length < MAX_RUN_SAMPLES) this.skipped.push(entry);
  }

  get objects(): number {
    return this.totals.objects;
  }

  get records(): number {
    return this.totals.records;
  }

  finish(elapsedMs: number): RunReport {
    const totals = { ...this.totals, outputRows: { ...this.totals.outputRows } };
    return {
      totals,
      elapsedMs,
      rejected: [...this.rejected],
      malformed: [...this.malformed],
      warnings: [...this.warnings],
      skippedInputs: [...this.skipped],
      recordsPerSecond: elapsedMs > 0 ? Math.round((totals.records * 1000) / elapsedMs) : 0,
    };
  }
}

/** The run report of a list of object reports (tests, one-shot callers). */
export function summarizeRun(reports: readonly ObjectReport[], elapsedMs: number): RunReport {
  const summary = new RunSummary();
  for (const r of reports) summary.add(r);
  return summary.finish(elapsedMs);
}

import type { MalformedSample } from './flow-log-aggregator.js';
import type { ObjectReport } from './ingest-object.js';

export interface RunTotals {
  objects: number;
  accepted: number;
  rejected: number;
  lines: number;
  records: number;
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
}

export interface RunReport {
  readonly totals: RunTotals;
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
  readonly rejected: readonly { name: string; reason: string; samples: readonly MalformedSample[] }[];
  readonly malformed: readonly ({ object: string } & MalformedSample)[];
  readonly warnings: readonly { object: string; warning: string }[];
}

/** Folds per-object reports into the run report printed by the CLI and logged by handlers. */
export function summarizeRun(reports: readonly ObjectReport[], elapsedMs: number): RunReport {
  const totals: RunTotals = {
    objects: reports.length, accepted: 0, rejected: 0, lines: 0, records: 0, malformed: 0, cleartextRecords: 0,
    noDataRecords: 0, skipDataRecords: 0, noDataInterfaces: 0, skipDataInterfaces: 0, bytesIn: 0, bytesText: 0,
    outputFiles: 0, outputRows: {},
  };
  const rejected: RunReport['rejected'][number][] = [];
  const malformed: RunReport['malformed'][number][] = [];
  const warnings: RunReport['warnings'][number][] = [];
  for (const r of reports) {
    if (r.status === 'accepted') totals.accepted++;
    else {
      totals.rejected++;
      rejected.push({ name: r.name, reason: r.reason ?? 'rejected', samples: r.samples ?? [] });
    }
    if (r.parse) {
      totals.lines += r.parse.lines;
      for (const w of r.parse.warnings) warnings.push({ object: r.name, warning: w });
    }
    // A rejected object contributes nothing to the tables, so none of its records count.
    if (r.parse && r.status === 'accepted') {
      totals.records += r.parse.records;
      totals.malformed += r.parse.malformed;
      totals.cleartextRecords += r.parse.cleartextRecords;
      const noData = Object.values(r.parse.noData);
      const skipData = Object.values(r.parse.skipData);
      totals.noDataRecords += noData.reduce((a, b) => a + b, 0);
      totals.skipDataRecords += skipData.reduce((a, b) => a + b, 0);
      totals.noDataInterfaces += noData.length;
      totals.skipDataInterfaces += skipData.length;
      for (const s of r.parse.malformedSamples) malformed.push({ object: r.name, ...s });
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
  return {
    totals, elapsedMs, rejected, malformed, warnings,
    recordsPerSecond: elapsedMs > 0 ? Math.round((totals.records * 1000) / elapsedMs) : 0,
  };
}

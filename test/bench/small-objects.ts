/**
 * `--small-objects [N]` (issue 10, point 11): ingest of N small objects on one core, as a user runs
 * it, then `report` over that output; both also at N/10, and the ingest at 2N, to show whether
 * memory grows with the object count. Whole processes; peak RSS from GNU time. One run per size
 * (the step takes minutes). Targets: ingest ≥ 1,000 objects/s on one core with memory flat in the
 * object count; `report` on that output in ≤ 512 MB, whatever the number of files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../functions/core/run-report.js';
import { BENCH, cliCommand, log, runProcess } from './harness.js';
import { ensureSmallObjects } from './small-objects-corpus.js';

interface SizeResult {
  objects: number;
  records: number;
  ingestMs: number;
  ingestCpuMs: number;
  ingestRssMb: number;
  objectsPerSec: number;
  accepted: number;
  rejected: number;
  parquetFiles: number;
  /** NaN (and status null) at 2N, where `report` is not run. */
  reportMs: number;
  reportRssMb: number;
  reportStatus: number | null;
}

/**
 * `flat`: peak RSS at 2N at most 5 % above the peak at N. Why not N/10 against N: a process's
 * memory climbs over its first ~40,000–45,000 small objects while V8's heap and glibc's arenas (one
 * per thread that allocates: the compiler threads, libuv's) reach their working size, then stays
 * (sampled curves and a 100,000-object run in docs/performance.md). A run of N/10, or of N/2, ends
 * inside that warm-up, so comparing it with N measures the warm-up, not a cost per object; the
 * N/10 → N ratio is printed too.
 */
const FLAT = 1.05;

export function smallObjectsStep(n: number, oneCore: string): Record<string, unknown> {
  log(
    `\nsmall objects: ingest on one core (taskset -c ${oneCore}, --jobs 1), then report (unpinned, as a user runs it); ` +
      `one run per size, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const tenth = Math.max(1, Math.round(n / 10));
  const results: SizeResult[] = [];
  for (const size of [tenth, n, 2 * n]) {
    const withReport = size !== 2 * n;
    const set = ensureSmallObjects(join(BENCH, `corpus/small-${size}`), size, log);
    const out = join(BENCH, `out/small-${size}`);
    setAside(out);
    warmPageCache(set.dir);
    const ingest = runProcess(oneCore, cliCommand('ingest', set.dir, '--out', out, '--quiet', '--jobs', '1'));
    if (ingest.status !== 0)
      log(
        `  ingest of ${size} objects exited ${ingest.status}: ${ingest.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    const totals = readTotals(out);
    const report = withReport
      ? runProcess(undefined, cliCommand('report', out))
      : { ms: Number.NaN, maxRssMb: Number.NaN, status: null, stderr: '' };
    if (withReport && report.status !== 0)
      log(
        `  report over ${size} objects exited ${report.status}: ${report.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    const r: SizeResult = {
      objects: size,
      records: set.records,
      ingestMs: ingest.ms,
      ingestCpuMs: ingest.cpuMs,
      ingestRssMb: ingest.maxRssMb,
      objectsPerSec: (size * 1000) / ingest.ms,
      accepted: totals.accepted,
      rejected: totals.rejected,
      parquetFiles: totals.files,
      reportMs: report.ms,
      reportRssMb: report.maxRssMb,
      reportStatus: report.status,
    };
    results.push(r);
    log(
      `  ${size.toLocaleString('en-US').padStart(7)} objects (${set.records.toLocaleString('en-US')} records, ${(set.gzipBytes / 1e6).toFixed(1)} MB gzip): ` +
        `ingest ${(r.ingestMs / 1000).toFixed(1)} s (cpu ${(r.ingestCpuMs / 1000).toFixed(1)} s), ${r.objectsPerSec.toFixed(0)} objects/s ` +
        `(${((size * 1000) / r.ingestCpuMs).toFixed(0)} a cpu second), peak RSS ${r.ingestRssMb.toFixed(0)} MB, ` +
        `${r.accepted.toLocaleString('en-US')} accepted / ${r.rejected} rejected, ${r.parquetFiles.toLocaleString('en-US')} Parquet files` +
        (withReport ? `; report ${(r.reportMs / 1000).toFixed(1)} s, peak RSS ${r.reportRssMb.toFixed(0)} MB` : ''),
    );
  }
  rmSync(TRASH, { recursive: true, force: true });
  const [tenthRun, atN, double] = results as [SizeResult, SizeResult, SizeResult];
  const growth = double.ingestRssMb / atN.ingestRssMb;
  const count = (r: SizeResult) => r.objects.toLocaleString('en-US');
  log(
    `  target: ingest ≥ 1,000 objects/s on one core: ${atN.objectsPerSec.toFixed(0)} objects/s at ${count(atN)} → ` +
      `${atN.objectsPerSec >= 1000 ? 'met' : 'NOT met'}`,
  );
  log(
    `  target: memory flat in the object count: peak RSS ${atN.ingestRssMb.toFixed(1)} MB at ${count(atN)}, ` +
      `${double.ingestRssMb.toFixed(1)} MB at ${count(double)} (×${growth.toFixed(3)}, ` +
      `${(((double.ingestRssMb - atN.ingestRssMb) * 1024) / (double.objects - atN.objects)).toFixed(2)} KB an object) → ` +
      `${growth <= FLAT ? 'flat' : 'NOT flat'}; the warm-up, ${tenthRun.ingestRssMb.toFixed(1)} MB at ${count(tenthRun)} → ` +
      `${count(atN)}: ×${(atN.ingestRssMb / tenthRun.ingestRssMb).toFixed(3)}`,
  );
  log(
    `  target: report ≤ 512 MB: ${atN.reportRssMb.toFixed(0)} MB at ${count(atN)} objects ` +
      `(${tenthRun.reportRssMb.toFixed(0)} MB at ${count(tenthRun)}), ${(atN.reportMs / 1000).toFixed(1)} s → ` +
      `${atN.reportRssMb <= 512 && atN.reportStatus === 0 ? 'met' : 'NOT met'}`,
  );
  return { sizes: results, loadAfter: loadavg() };
}

/**
 * Earlier output is moved aside and deleted only after the measured runs. This disk's ext4 has no
 * journal, and such an ext4 skips inodes freed in the last 30 seconds when it allocates one
 * (`recently_deleted` in fs/ext4/ialloc.c), checking them one by one: creating 100,000 files right
 * after deleting 100,000 cost a minute of kernel time, which a user ingesting into a folder never pays.
 */
const TRASH = join(BENCH, 'out/.trash');

function setAside(out: string): void {
  if (!existsSync(out)) return;
  mkdirSync(TRASH, { recursive: true });
  renameSync(out, join(TRASH, `${Date.now()}-${Math.random().toString(36).slice(2)}`));
}

/**
 * Reads every object once right before the ingest, so the run reads them from the page cache as
 * it would right after AWS delivered them (or from S3's memory). This machine's kernel pages out
 * files idle for about a minute (DAMON reclaim), and the objects generated or read by an earlier
 * step then came from the disk, a cost that moved the figure by up to a sixth between runs.
 */
function warmPageCache(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) readFileSync(join(entry.parentPath, entry.name));
}

/** Accepted and rejected objects and Parquet files written, from the run's ingest-report.json. */
function readTotals(out: string): { accepted: number; rejected: number; files: number } {
  try {
    const { totals } = JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8')) as RunReport;
    return { accepted: totals.accepted, rejected: totals.rejected, files: totals.outputFiles };
  } catch {
    return { accepted: Number.NaN, rejected: Number.NaN, files: Number.NaN };
  }
}

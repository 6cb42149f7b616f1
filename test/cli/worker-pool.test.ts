/**
 * `ingest --jobs`: objects ingested by worker threads give byte-identical output to the
 * sequential run, including the cleartext groups (bigint sums) that travel back to the alert
 * rules by structured clone.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listLocalInputs } from '../../functions/adapters/local-files.js';
import { ingestInWorkers, type PoolSettings } from '../../functions/cli/worker-pool.js';
import type { ObjectReport } from '../../functions/core/ingest-object.js';
import { runCli } from '../helpers/cli.js';
import { generateCorpus, writeCorpus } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('jobs');
afterAll(() => dir.remove());

const corpus = generateCorpus({
  seed: 606,
  objects: 9,
  recordsPerObject: 400,
  startSec: Date.UTC(2025, 10, 21, 10) / 1000,
  spanSeconds: 1800,
  records: { bigValueShare: 0.01 },
});
writeCorpus(join(dir.path, 'in'), corpus);

function files(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(root, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

/** Run-dependent fields of the run report: elapsed time and throughput. */
const stable = (text: string) => text.replace(/"(elapsedMs|recordsPerSecond)": \d+/g, '"$1": 0');
/** The alert dedup state holds wall-clock expiries and random lease tokens: compared by its keys. */
const DEDUP = 'alert-dedup.json';

describe('ingest --jobs', () => {
  it('writes the same bytes with 1 and 2 worker threads (which read ahead), alerts included', async () => {
    const runs = [];
    for (const jobs of ['1', '2']) {
      const out = join(dir.path, `out-${jobs}`);
      const result = await runCli([
        'ingest',
        join(dir.path, 'in'),
        '--out',
        out,
        '--jobs',
        jobs,
        '--quiet',
        '--boundaries',
        'samples/boundaries.json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      runs.push(files(out));
    }
    const [sequential, parallel] = runs as [Map<string, Buffer>, Map<string, Buffer>];
    expect([...parallel.keys()]).toEqual([...sequential.keys()]);
    expect([...sequential.keys()].filter((f) => f.endsWith('.parquet')).length).toBeGreaterThanOrEqual(10);
    for (const [name, bytes] of sequential) {
      if (name === 'ingest-report.json') {
        expect(stable(parallel.get(name)!.toString())).toBe(stable(bytes.toString()));
      } else if (name === DEDUP) {
        expect(Object.keys(JSON.parse(parallel.get(name)!.toString()))).toEqual(
          Object.keys(JSON.parse(bytes.toString())),
        );
      } else {
        expect(parallel.get(name)!.equals(bytes), name).toBe(true);
      }
    }
  }, 60_000);

  // `--jobs N` starts its workers before the ingest modules load; a run that ends up not using
  // them (one object) or fails before the pool (a usage error) must still end, and exit as usual.
  it('ends with --jobs 3 when the workers it started early are not used', async () => {
    const one = join(dir.path, 'in', [...files(join(dir.path, 'in')).keys()][0]!);
    const single = await runCli(['ingest', one, '--out', join(dir.path, 'out-one'), '--jobs', '3', '--quiet'], {
      timeoutMs: 30_000,
    });
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toMatch(/^ciphertrail ingest: 1 object \(1 accepted, 0 rejected\)/);
    const usage = await runCli(
      [
        'ingest',
        join(dir.path, 'in'),
        '--out',
        join(dir.path, 'out-usage'),
        '--jobs',
        '3',
        '--sns-topic-arn',
        'arn:aws:sns:us-east-1:111111111111:t',
      ],
      { timeoutMs: 30_000 },
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--sns-topic-arn needs --boundaries/);
  }, 60_000);

  it('rejects a --jobs that is not a positive integer', async () => {
    const result = await runCli(['ingest', join(dir.path, 'in'), '--out', join(dir.path, 'x'), '--jobs', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--jobs/);
  });
});

describe('the worker pool', () => {
  const settings = (out: string): PoolSettings => ({
    out,
    windowSeconds: 300,
    collectCleartext: false,
    maxTextBytes: 1 << 30,
    inflateOn: 'this-thread',
  });

  it('lists once: an object deleted after the listing is a rejected object, the others are written', async () => {
    const objects = [...(await listLocalInputs([join(dir.path, 'in')])).objects];
    const gone = objects[2]!;
    const copy = join(dir.path, 'vanishing');
    // The listing stays; the file it named disappears before any worker reads it.
    writeFileSync(copy, readFileSync(gone.name));
    const [ref] = (await listLocalInputs([copy])).objects;
    rmSync(copy);
    const reports: ObjectReport[] = [];
    await ingestInWorkers([...objects, ref!], settings(join(dir.path, 'out-vanished')), 2, {
      onReport: (index, report) => void (reports[index] = report),
    });
    expect(reports.map((r) => r.status)).toEqual([...objects.map(() => 'accepted'), 'rejected']);
    expect(reports[objects.length]!.reason).toMatch(/^unreadable: ENOENT: no such file or directory/);
  });

  it('sends a worker its next object before the current one is reported while many remain, one at a time at the end', async () => {
    // A stand-in worker that reads each object for 50 ms, one at a time, and reports how many
    // objects it had been sent when it finished that one.
    const slow = join(dir.path, 'slow.mjs');
    writeFileSync(
      slow,
      [
        "import { parentPort } from 'node:worker_threads';",
        'let sent = 0; let reading = Promise.resolve();',
        "parentPort.on('message', (m) => {",
        "  if (m.kind !== 'object') return;",
        '  sent++;',
        '  reading = reading.then(() => new Promise((done) => setTimeout(() => {',
        "    parentPort.postMessage({ kind: 'report', index: m.index, report: { sentBefore: sent - m.index } });",
        '    done();',
        '  }, 50)));',
        '});',
      ].join('\n'),
    );
    const objects = [...(await listLocalInputs([join(dir.path, 'in')])).objects].slice(0, 6);
    const order: number[] = [];
    const ahead: number[] = [];
    await ingestInWorkers(
      objects,
      settings(join(dir.path, 'out-ahead')),
      1,
      {
        onReport: (index, report) => {
          order.push(index);
          ahead.push((report as unknown as { sentBefore: number }).sentBefore);
        },
      },
      { entry: slow },
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    // 1 is the object itself; 2 means the next one had already arrived. With one worker the pool
    // keeps two objects there while 4 or more remain to be sent (it sends 0, 1, then 2 when 0 is
    // reported), then one at a time: 0 and 1 are read with their next object waiting.
    expect(ahead).toEqual([2, 2, 1, 1, 1, 1]);
  });

  it('a worker that dies fails the run with one line naming the object it was reading', async () => {
    const crash = join(dir.path, 'crash.mjs');
    writeFileSync(
      crash,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(7));\n",
    );
    const objects = [...(await listLocalInputs([join(dir.path, 'in')])).objects];
    await expect(
      ingestInWorkers(
        objects.slice(0, 1),
        settings(join(dir.path, 'out-crash')),
        1,
        { onReport: () => undefined },
        { entry: crash },
      ),
    ).rejects.toThrow(
      new RegExp(
        `^an ingest worker exited with code 7 while reading ${objects[0]!.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ` +
          're-run, or use --jobs 1 to read it in this process$',
      ),
    );
  });
});
